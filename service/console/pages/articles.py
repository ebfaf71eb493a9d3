"""Console page: the articles list (status, duration, voice, feed, last change), search, filter, live progress."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from sse_starlette.sse import EventSourceResponse
from starlette.responses import HTMLResponse

from service.api.deps import SessionDep, SettingsDep
from service.articles import progress
from service.articles.listing import STATUSES, list_articles
from service.console.session import ConsoleRead
from service.console.templating import render
from service.listeners.feeds.records import list_feeds

router = APIRouter()


@router.get("/articles", response_class=HTMLResponse)
def articles_page(
    request: Request,
    user: ConsoleRead,
    session: SessionDep,
    settings: SettingsDep,
    q: str = "",
    status: str = "",
    feed: str | None = None,
) -> HTMLResponse:
    """Every article of the project, newest change first; `q` searches, `status` and `feed` filter."""
    rows = list_articles(session, user.principal.project_id, search=q, status=status or None, feed=feed)
    return render(
        request,
        settings,
        "articles/list.html",
        user=user,
        session=user.session,
        title="Articles",
        rows=rows,
        q=q,
        status=status,
        feed=feed,
        statuses=STATUSES,
        feeds=list_feeds(session, user.principal.project_id),
    )


@router.get("/narrations/{narration_id}/events")
async def narration_events(narration_id: str, user: ConsoleRead, settings: SettingsDep) -> EventSourceResponse:
    """Live status for the console's pages: the events GET /v1/narrations/{id}/events sends, on the session."""
    first = await run_in_threadpool(progress.snapshot, settings.database_url, narration_id, user.principal.project_id)
    return EventSourceResponse(progress.narration_events(settings.database_url, first), ping=15)
