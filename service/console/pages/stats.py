"""Console page: listening stats as charts. Plays and quartiles reached per day, for the project, each feed,
one article; and the articles played most. The same plain functions as `/v1/.../stats/daily`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse

from service.api.deps import SessionDep, SettingsDep
from service.api.routes.stats import MAX_DAYS
from service.articles import records
from service.console.charts import daily_chart, legend, quartile_chart
from service.console.session import ConsoleRead
from service.console.templating import render
from service.listeners.feeds import listens
from service.listeners.feeds.records import get_feed, list_feeds

router = APIRouter()

SCOPE = "stats:read"
WINDOWS = (7, 30, 90)  # the choices offered; any 1..MAX_DAYS works in the URL
FEEDS_CHARTED = 12  # one chart per feed, for the first ones by slug
MOST_PLAYED = 20


@router.get("/stats", response_class=HTMLResponse)
def stats_page(
    request: Request,
    user: ConsoleRead,
    session: SessionDep,
    settings: SettingsDep,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS)] = 30,
    feed: str | None = None,
    article: str | None = None,
) -> HTMLResponse:
    """Charts of the window: the project's (or one feed's, or one article's) plays per day, how far listens got,
    one chart per feed, and the articles played most with a link to each one's chart."""
    allowed = user.can(SCOPE)
    project = user.principal.project_id
    first, last = listens.window(days)
    context: dict[str, Any] = {"allowed": allowed, "scope": SCOPE, "days": days, "windows": WINDOWS}
    if allowed:
        feeds = list_feeds(session, project)
        selected_feed = get_feed(session, feed, project) if feed else None
        selected_article = records.get_article(session, article, project) if article else None
        if selected_article is not None:
            subject = f"Article: {selected_article.title or selected_article.id}"
            stats = listens.daily_stats(session, first, last, article_id=selected_article.id)
        elif selected_feed is not None:
            subject = f"Feed: {selected_feed.title}"
            stats = listens.daily_stats(session, first, last, feed=selected_feed.slug, project=project)
        else:
            subject = "All articles"
            stats = listens.daily_stats(session, first, last, project=project)
        totals = stats.totals
        context.update(
            feeds=feeds,
            feed=selected_feed,
            article=selected_article,
            subject=subject,
            totals=totals,
            chart=daily_chart(stats, f"{subject}: plays and quartiles reached per day"),
            quartiles=quartile_chart(totals, f"{subject}: how far listens got"),
            legend=legend(),
            by_feed=[
                (
                    f,
                    daily_chart(
                        listens.daily_stats(session, first, last, feed=f.slug, project=project),
                        f"Feed {f.title}: plays and quartiles reached per day",
                    ),
                )
                for f in feeds[:FEEDS_CHARTED]
            ]
            if selected_feed is None and selected_article is None
            else [],
            most_played=listens.most_played(
                session,
                first,
                last,
                project=project,
                feed=selected_feed.slug if selected_feed else None,
                limit=MOST_PLAYED,
            ),
            first=first,
            last=last,
        )
    return render(request, settings, "stats/index.html", user=user, session=user.session, title="Stats", **context)
