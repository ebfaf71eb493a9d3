"""Console page of one article: its text block by block with play buttons and read-along, its versions
(A/B playback, what changed), re-narration, editing in place with a preview of what will be re-read,
downloads, and its feed."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from service.api.deps import QueueDep, SessionDep, SettingsDep
from service.api.schemas import ArticleCreate, RenarrateIn
from service.articles import records, versions
from service.articles.editing import edit_article, move_to_feed, preview_edit, renarrate
from service.console.forms import text_fields, validated
from service.console.session import ConsoleArticlesWrite, ConsoleRead, ConsoleUser
from service.console.templating import render
from service.core.errors import InvalidInput, NarratorError
from service.core.models import Article, Narration
from service.core.settings import Settings
from service.core.voices import catalog_dirs, load_catalog
from service.document.markdown import markdown_of
from service.listeners.feeds.records import check_feed_owner, list_feeds

router = APIRouter()


@dataclass(frozen=True)
class ShownBlock:
    """A spoken block as the page shows it: where it is in the text, and what the newest version did with it."""

    index: int
    kind: str
    text: str
    start: int
    end: int
    synthesized: bool | None  # in the newest planned version: True re-synthesized, False from the cache


def shown_blocks(session: Session, article: Article, latest: Narration | None) -> list[ShownBlock]:
    document = records.document_of(article)
    planned = versions.version_blocks(session, latest.id) if latest else []
    spoken = document.spoken_blocks()
    aligned = len(planned) == len(spoken)  # planned from these very blocks (not an older text)
    return [
        ShownBlock(i, b.kind, b.text, start, end, (not planned[i].cached) if aligned else None)
        for i, (b, (start, end)) in enumerate(zip(spoken, document.block_offsets(), strict=True))
    ]


def _page(
    request: Request,
    user: ConsoleUser,
    session: Session,
    settings: Settings,
    article: Article,
    *,
    error: NarratorError | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    latest = records.latest_narration(session, article.id)
    current = records.current_narration(session, article)
    history = records.list_narrations(session, article.id)
    done = [n for n in history if n.status == "done" and n.audio_key]
    changes = (
        versions.compare(versions.version_blocks(session, done[1].id), versions.version_blocks(session, done[0].id))
        if len(done) >= 2
        else []
    )
    document = records.document_of(article)
    return render(
        request,
        settings,
        "article/show.html",
        user=user,
        session=user.session,
        title=article.title or "Article",
        status_code=error.status if error else 200,
        article=article,
        blocks=shown_blocks(session, article, latest),
        latest=latest,
        current=current,
        history=history,
        done=done,
        changes=changes,
        markdown=markdown_of(document),
        voices=list(load_catalog(catalog_dirs(settings)).values()),
        feeds=list_feeds(session, user.principal.project_id),
        error=error,
        notice=notice,
    )


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(
    article_id: str, request: Request, user: ConsoleRead, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """The article: text, play buttons, versions, and (with write scopes) re-narrate, edit and feed forms."""
    article = records.get_article(session, article_id, user.principal.project_id)
    return _page(request, user, session, settings, article)


@router.post("/articles/{article_id}/narrations", response_model=None)
async def renarrate_article(
    article_id: str,
    request: Request,
    user: ConsoleArticlesWrite,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
) -> Response:
    """Re-narrate as POST /v1/articles/{id}/narrations: after a lexicon change, with another voice, or forced."""
    article = records.get_article(session, article_id, user.principal.project_id)
    form = await request.form()
    fields = text_fields(form, "voice")
    try:
        body = validated(RenarrateIn, {**fields, "force": form.get("force") == "on"})
        await run_in_threadpool(
            renarrate,
            session,
            queue,
            settings,
            article,
            voice=body.voice,
            force=body.force,
            priority=body.priority,
            review=True if form.get("review") == "on" else body.review,
        )
    except NarratorError as exc:
        session.rollback()
        return _page(request, user, session, settings, article, error=exc)
    return RedirectResponse(f"/console/articles/{article.id}#versions", status_code=303)


async def _edited(request: Request, article: Article) -> ArticleCreate:
    """The edited text as a PUT /v1/articles/{id} body (Markdown: headings, quotes and list items keep their kind)."""
    form = await request.form()
    fields = text_fields(form, "title", "markdown")
    if "markdown" not in fields:
        raise InvalidInput("The text is empty")
    return validated(
        ArticleCreate,
        {
            "title": fields.get("title"),
            "markdown": str(form.get("markdown")),
            "language": article.language,
            "byline": article.byline,
        },
    )


@router.post("/articles/{article_id}/edit/preview")
async def preview(
    article_id: str, request: Request, user: ConsoleArticlesWrite, session: SessionDep, settings: SettingsDep
) -> JSONResponse:
    """How many blocks saving this text would re-read: `{"reread", "total", "narrates", "message"}`."""
    article = records.get_article(session, article_id, user.principal.project_id)
    body = await _edited(request, article)
    sections = dict(article.section_voices or {})
    rereading = await run_in_threadpool(
        preview_edit, session, settings, article, body.article_input(), section_voices=sections
    )
    if not rereading.narrates:
        message = "Nothing spoken changed: no paragraph will be re-read."
    else:
        message = f"{rereading.reread} of {rereading.total} paragraphs will be re-read."
    return JSONResponse(
        {"reread": rereading.reread, "total": rereading.total, "narrates": rereading.narrates, "message": message}
    )


@router.post("/articles/{article_id}/edit", response_model=None)
async def save_edit(
    article_id: str,
    request: Request,
    user: ConsoleArticlesWrite,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
) -> Response:
    """Save the edited text as PUT /v1/articles/{id} does: only what changed is narrated again."""
    article = records.get_article(session, article_id, user.principal.project_id)
    try:
        body = await _edited(request, article)
        await run_in_threadpool(
            edit_article,
            session,
            queue,
            settings,
            article,
            body.article_input(),
            voice=None,
            priority="now",
            section_voices=dict(article.section_voices or {}),
        )
    except NarratorError as exc:
        session.rollback()
        return _page(request, user, session, settings, article, error=exc)
    return RedirectResponse(f"/console/articles/{article.id}", status_code=303)


@router.post("/articles/{article_id}/feed", response_model=None)
async def set_feed(
    article_id: str, request: Request, user: ConsoleArticlesWrite, session: SessionDep, settings: SettingsDep
) -> Response:
    """Put the article in a feed (or in none), as PUT /v1/articles/{id}/feed does."""
    article = records.get_article(session, article_id, user.principal.project_id)
    feed = text_fields(await request.form(), "feed").get("feed")
    try:
        check_feed_owner(session, feed, user.principal.project_id)
        move_to_feed(session, article, feed)
    except NarratorError as exc:
        session.rollback()
        return _page(request, user, session, settings, article, error=exc)
    return RedirectResponse(f"/console/articles/{article.id}#feed", status_code=303)
