"""Console page: the articles list (status, duration, voice, feed, last change), search, filter, live progress,
and submitting an article by URL, pasted text/HTML/Markdown or an uploaded file."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from sse_starlette.sse import EventSourceResponse
from starlette.responses import HTMLResponse, RedirectResponse, Response

from service.api.deps import QueueDep, SessionDep, SettingsDep
from service.api.schemas import ArticleCreate
from service.articles import progress
from service.articles.editing import submit_article
from service.articles.listing import STATUSES, list_articles
from service.console.forms import text_fields, uploaded_source, validated
from service.console.session import ConsoleArticlesWrite, ConsoleRead, ConsoleUser
from service.console.templating import render
from service.core.errors import InvalidInput, NarratorError
from service.core.settings import Settings
from service.core.voices import catalog_dirs, load_catalog
from service.listeners.feeds.records import check_feed_owner, list_feeds

router = APIRouter()

PASTE_KINDS = ("text", "markdown", "html")


def _list_page(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    settings: Settings,
    *,
    q: str = "",
    status: str = "",
    feed: str | None = None,
    error: NarratorError | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    rows = list_articles(session, user.principal.project_id, search=q, status=status or None, feed=feed)
    return render(
        request,
        settings,
        "articles/list.html",
        user=user,
        session=user.session,
        title="Articles",
        status_code=error.status if error else 200,
        rows=rows,
        q=q,
        status=status,
        feed=feed,
        statuses=STATUSES,
        feeds=list_feeds(session, user.principal.project_id),
        voices=list(load_catalog(catalog_dirs(settings)).values()),
        default_voice=settings.default_voice,
        review_default=settings.asr_review,
        paste_kinds=PASTE_KINDS,
        error=error,
        form=form or {},
    )


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
    return _list_page(request, user, session, settings, q=q, status=status, feed=feed)


async def _article_body(request: Request) -> tuple[ArticleCreate, dict[str, str]]:
    """The submission as the API's POST /v1/articles body: one source (URL, pasted, or a file) and its options."""
    form = await request.form()
    fields = text_fields(
        form, "url", "paste", "paste_kind", "title", "voice", "heading_voice", "quote_voice", "feed", "priority"
    )
    data: dict[str, object] = {
        k: v for k, v in fields.items() if k in ("title", "voice", "heading_voice", "quote_voice", "feed", "priority")
    }
    sources = []
    if "url" in fields:
        sources.append(("url", fields["url"]))
    if "paste" in fields:
        kind = fields.get("paste_kind", "text")
        sources.append((kind if kind in PASTE_KINDS else "text", str(form.get("paste"))))
    uploaded = await uploaded_source(form, "file")
    if uploaded is not None:
        sources.append(uploaded)
    if len(sources) != 1:
        raise InvalidInput("Give the article one way: a URL, pasted text, or a file")
    kind, source = sources[0]
    data[kind] = source
    data["review"] = form.get("review") == "on"
    return validated(ArticleCreate, data), fields


@router.post("/articles", response_model=None)
async def submit(
    request: Request, user: ConsoleArticlesWrite, session: SessionDep, queue: QueueDep, settings: SettingsDep
) -> Response:
    """Submit an article as POST /v1/articles does; then its page, where its narration's progress shows."""
    fields: dict[str, str] = {}
    try:
        body, fields = await _article_body(request)
        check_feed_owner(session, body.feed, user.principal.project_id)
        outcome = await run_in_threadpool(
            submit_article,
            session,
            queue,
            settings,
            body.article_input(),
            voice=body.voice,
            feed=body.feed,
            external_id=None,
            priority=body.priority,
            section_voices=body.section_voices(),
            review=body.review,
            project=user.principal.project_id,
        )
    except NarratorError as exc:
        session.rollback()
        return _list_page(request, user, session, settings, error=exc, form=fields)
    return RedirectResponse(f"/console/articles/{outcome.article.id}", status_code=303)


@router.get("/narrations/{narration_id}/events")
async def narration_events(narration_id: str, user: ConsoleRead, settings: SettingsDep) -> EventSourceResponse:
    """Live status for the console's pages: the events GET /v1/narrations/{id}/events sends, on the session."""
    first = await run_in_threadpool(progress.snapshot, settings, narration_id, user.principal.project_id)
    return EventSourceResponse(progress.narration_events(settings, first), ping=15)
