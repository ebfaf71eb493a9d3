"""/v1/articles: create, read and play articles."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import records
from service.api.deps import get_queue, get_session, get_settings
from service.api.schemas import ArticleCreate, ArticleOut
from service.errors import NarratorError, NotFound
from service.intake import ArticleInput, build_document, check_voice, source_of
from service.queue import NarrationQueue
from service.settings import Settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/articles", tags=["articles"])


class DuplicateArticle(NarratorError):
    code, status, title = "duplicate_external_id", 409, "An article with this external_id already exists in this feed"


class QueueUnavailable(NarratorError):
    code, status, title = "queue_unavailable", 503, "The narration queue is unavailable"


def article_out(session: Session, article_id: str) -> ArticleOut:
    article = records.get_article(session, article_id)
    current = records.current_narration(session, article)
    latest = records.latest_narration(session, article.id)
    return ArticleOut.of(article, current, latest, records.document_of(article).text)


@router.post("", status_code=202, response_model=ArticleOut)
def create_article(
    body: ArticleCreate,
    response: Response,
    session: Session = Depends(get_session),
    queue: NarrationQueue = Depends(get_queue),
    settings: Settings = Depends(get_settings),
) -> ArticleOut:
    """Store an article and queue its narration; 202 with the narration's URL in Location."""
    submitted = ArticleInput(
        title=body.title, text=body.text, markdown=body.markdown, html=body.html, url=body.url,
        byline=body.byline, language=body.language,
    )
    voice = check_voice(body.voice, settings)
    document = build_document(submitted, settings)
    kind, source = source_of(submitted)
    try:
        article, narration = records.create_article(
            session, document=document, source_kind=kind, source=source, voice=voice,
            language=body.language, feed=body.feed, external_id=body.external_id,
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        raise DuplicateArticle(f"external_id {body.external_id!r} is already used in feed {body.feed!r}") from None
    try:
        queue.enqueue_narration(narration.id)
    except Exception as exc:  # noqa: BLE001 - any broker failure: record it, tell the client
        log.exception("could not enqueue narration %s", narration.id)
        records.fail_narration(session, narration.id, QueueUnavailable.code, f"{type(exc).__name__}: {exc}")
        session.commit()
        raise QueueUnavailable("The article was stored but its narration could not be queued; retry later") from exc
    response.headers["Location"] = f"/v1/narrations/{narration.id}"
    return article_out(session, article.id)


@router.get("/{article_id}", response_model=ArticleOut)
def get_article(article_id: str, session: Session = Depends(get_session)) -> ArticleOut:
    """The article with its current and latest narration."""
    return article_out(session, article_id)


@router.get("/{article_id}/audio.mp3", status_code=307, response_class=RedirectResponse)
def current_audio(article_id: str, session: Session = Depends(get_session)) -> RedirectResponse:
    """307 to the immutable file of the article's current narration."""
    article = records.get_article(session, article_id)
    current = records.current_narration(session, article)
    if current is None or not current.audio_key:
        raise NotFound(f"Article {article_id!r} has no finished narration yet")
    # The redirect changes when a new version is done, so it must not be cached.
    return RedirectResponse(f"/media/{current.audio_key}", status_code=307, headers={"Cache-Control": "no-cache"})
