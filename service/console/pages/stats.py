"""Console page: listening stats as charts. Plays and quartiles reached per day, for the project, each feed,
one article; and the articles played most. The same plain functions as `/v1/.../stats/daily`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse

from service.api.deps import SessionDep, SettingsDep
from service.api.routes.stats import MAX_DAYS
from service.articles import records
from service.console.charts import daily_chart, legend, quartile_chart
from service.console.session import ConsoleRead
from service.console.templating import render
from service.core.models import Article, Feed
from service.listeners.feeds import listens
from service.listeners.feeds.records import get_feed, list_feeds

router = APIRouter()

SCOPE = "stats:read"
WINDOWS = (7, 30, 90)  # the choices offered; any 1..MAX_DAYS works in the URL
FEEDS_CHARTED = 12  # one chart per feed, for the first ones by slug
MOST_PLAYED = 20


def _charts(
    session: Session, project: str, first: date, last: date, feed: Feed | None, article: Article | None
) -> dict[str, Any]:
    """What the page shows for one subject (an article, a feed, or all the project's articles) in the window."""
    if article is not None:
        subject = f"Article: {article.title or article.id}"
        stats = listens.daily_stats(session, first, last, article_id=article.id)
    elif feed is not None:
        subject = f"Feed: {feed.title}"
        stats = listens.daily_stats(session, first, last, feed=feed.slug, project=project)
    else:
        subject = "All articles"
        stats = listens.daily_stats(session, first, last, project=project)
    by_feed = []
    if feed is None and article is None:
        for f in list_feeds(session, project)[:FEEDS_CHARTED]:
            feed_stats = listens.daily_stats(session, first, last, feed=f.slug, project=project)
            by_feed.append((f, daily_chart(feed_stats, f"Feed {f.title}: plays and quartiles reached per day")))
    most = listens.most_played(
        session, first, last, project=project, feed=feed.slug if feed else None, limit=MOST_PLAYED
    )
    return {
        "subject": subject,
        "totals": stats.totals,
        "chart": daily_chart(stats, f"{subject}: plays and quartiles reached per day"),
        "quartiles": quartile_chart(stats.totals, f"{subject}: how far listens got"),
        "legend": legend(),
        "by_feed": by_feed,
        "most_played": most,
    }


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
    one chart per feed, and the articles played most with a link to each one's chart (with stats:read)."""
    allowed = user.can(SCOPE)
    project = user.principal.project_id
    first, last = listens.window(days)
    context: dict[str, Any] = {"allowed": allowed, "scope": SCOPE, "days": days, "windows": WINDOWS}
    if allowed:
        selected_feed = get_feed(session, feed, project) if feed else None
        selected_article = records.get_article(session, article, project) if article else None
        context.update(
            _charts(session, project, first, last, selected_feed, selected_article),
            feeds=list_feeds(session, project),
            feed=selected_feed,
            article=selected_article,
            first=first,
            last=last,
        )
    return render(request, settings, "stats/index.html", user=user, session=user.session, title="Stats", **context)
