"""/v1/articles: create, edit, re-narrate, delete, read and play articles."""

from __future__ import annotations

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.orm import Session

from service.api.auth import ArticlesRead, ArticlesWrite
from service.api.deps import (
    QueueDep,
    SessionDep,
    SettingsDep,
    StorageDep,
)
from service.api.routes.media import media_redirect
from service.api.schemas import ArticleCreate, ArticleOut, ArticleSummary, FeedIn, RenarrateIn
from service.articles import idempotency, listing, records
from service.articles.editing import Outcome, edit_article, move_to_feed, renarrate, submit_article
from service.articles.privacy import links_for, route_links
from service.articles.views import NarrationOut
from service.core.errors import NotFound
from service.core.settings import Settings
from service.listeners.feeds.records import check_feed_owner

router = APIRouter(prefix="/v1/articles", tags=["articles"])


def article_out(session: Session, settings: Settings, article_id: str, project: str | None = None) -> ArticleOut:
    article = records.get_article(session, article_id, project)
    current = records.current_narration(session, article)
    latest = records.latest_narration(session, article.id)
    links = links_for(session, settings, article)
    return ArticleOut.of(article, current, latest, records.document_of(article).text, links)


def _answer(session: Session, settings: Settings, outcome: Outcome) -> JSONResponse:
    """202 + Location when a narration was queued, else 200."""
    body = jsonable_encoder(article_out(session, settings, outcome.article.id))
    if outcome.narration is None:
        return JSONResponse(body, status_code=200)
    return JSONResponse(body, status_code=202, headers={"Location": f"/v1/narrations/{outcome.narration.id}"})


@router.post("", status_code=202, response_model=ArticleOut, responses={200: {"model": ArticleOut}})
def create_article(
    body: ArticleCreate,
    principal: ArticlesWrite,
    request: Request,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
    idempotency_key: str | None = Header(default=None, max_length=255),
) -> JSONResponse:
    """Store an article and queue its narration (202, Location: the narration).

    A known `external_id` in the same feed updates that article instead
    (202 if what is spoken changed, else 200). An `Idempotency-Key` makes
    retries safe: the first response is replayed.
    """
    if idempotency_key:
        fingerprint = idempotency.request_fingerprint("POST", request.url.path, body.model_dump(mode="json"))
        stored = idempotency.begin(session, idempotency_key, fingerprint)
        if stored is not None:
            headers = {"Location": stored.location} if stored.location else {}
            return JSONResponse(
                stored.body, status_code=stored.status, headers={**headers, "Idempotent-Replayed": "true"}
            )
    check_feed_owner(session, body.feed, principal.project_id)
    try:
        outcome = submit_article(
            session,
            queue,
            settings,
            body.article_input(),
            voice=body.voice,
            feed=body.feed,
            external_id=body.external_id,
            priority=body.priority,
            section_voices=body.section_voices(),
            review=body.review,
            project=principal.project_id,
            private=body.private,
            formats=list(body.formats) if body.formats is not None else None,
        )
    except Exception:
        if idempotency_key:
            idempotency.abandon(session, idempotency_key)
        raise
    response = _answer(session, settings, outcome)
    if idempotency_key:
        idempotency.finish(
            session,
            idempotency_key,
            response.status_code,
            jsonable_encoder(article_out(session, settings, outcome.article.id)),
            response.headers.get("location"),
        )
    return response


@router.get("", response_model=list[ArticleSummary])
def list_articles(
    session: SessionDep,
    settings: SettingsDep,
    principal: ArticlesRead,
    q: str = Query(default="", max_length=200, description="searches the title, external id and URL"),
    status: str | None = Query(default=None, pattern=r"^(queued|running|done|failed)$"),
    feed: str | None = Query(default=None, description="a feed slug; empty: articles in no feed"),
    limit: int = Query(default=listing.PAGE_SIZE, ge=1, le=500),
) -> list[ArticleSummary]:
    """The project's articles, most recently changed first, with their newest narration's status."""
    rows = listing.list_articles(session, principal.project_id, search=q, status=status, feed=feed, limit=limit)
    return [ArticleSummary.of(row, links_for(session, settings, row.article)) for row in rows]


@router.get("/{article_id}", response_model=ArticleOut)
def get_article(article_id: str, session: SessionDep, settings: SettingsDep, principal: ArticlesRead) -> ArticleOut:
    """The article with its current and latest narration (a private article's URLs signed and expiring)."""
    return article_out(session, settings, article_id, principal.project_id)


@router.put("/{article_id}", response_model=ArticleOut, responses={202: {"model": ArticleOut}})
def update_article(
    article_id: str,
    principal: ArticlesWrite,
    body: ArticleCreate,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
) -> JSONResponse:
    """Replace the article's content: 202 with a new narration if what is spoken changed, else 200."""
    article = records.get_article(session, article_id, principal.project_id)
    outcome = edit_article(
        session,
        queue,
        settings,
        article,
        body.article_input(),
        voice=body.voice,
        priority=body.priority,
        section_voices=body.section_voices(),
        review=body.review,
        private=body.private,
        formats=list(body.formats) if body.formats is not None else None,
    )
    return _answer(session, settings, outcome)


@router.put("/{article_id}/feed", response_model=ArticleOut)
def put_feed(
    article_id: str, body: FeedIn, principal: ArticlesWrite, session: SessionDep, settings: SettingsDep
) -> ArticleOut:
    """Put the article in a feed (null: in none): its finished narration is that feed's episode."""
    article = records.get_article(session, article_id, principal.project_id)
    check_feed_owner(session, body.feed, principal.project_id)
    move_to_feed(session, article, body.feed)
    return article_out(session, settings, article.id)


@router.delete("/{article_id}", status_code=204)
def delete_article(article_id: str, session: SessionDep, storage: StorageDep, principal: ArticlesWrite) -> Response:
    """Remove the article, its narrations and the files no other narration uses."""
    article = records.get_article(session, article_id, principal.project_id)
    orphans = records.delete_article(session, article)
    session.commit()
    for key in orphans:
        storage.delete(key)
    return Response(status_code=204)


@router.post("/{article_id}/narrations", status_code=202, response_model=NarrationOut)
def create_narration(
    article_id: str,
    principal: ArticlesWrite,
    response: Response,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
    body: RenarrateIn | None = None,
) -> NarrationOut:
    """Re-narrate: another voice, after a lexicon change (only changed paragraphs), or `force` (all)."""
    body = body or RenarrateIn()
    article = records.get_article(session, article_id, principal.project_id)
    narration = renarrate(
        session,
        queue,
        settings,
        article,
        voice=body.voice,
        force=body.force,
        priority=body.priority,
        review=body.review,
    )
    response.headers["Location"] = f"/v1/narrations/{narration.id}"
    return NarrationOut.of(narration, links_for(session, settings, article))


@router.get("/{article_id}/narrations", response_model=list[NarrationOut])
def list_narrations(
    article_id: str, session: SessionDep, settings: SettingsDep, principal: ArticlesRead
) -> list[NarrationOut]:
    """Every narration version of the article, newest first, with status and files."""
    article = records.get_article(session, article_id, principal.project_id)
    links = links_for(session, settings, article)
    return [NarrationOut.of(n, links) for n in records.list_narrations(session, article_id)]


@router.get("/{article_id}/audio.mp3", status_code=307, response_class=RedirectResponse)
def current_audio(
    article_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    expires: str | None = None,
    signature: str | None = None,
) -> RedirectResponse:
    """307 to the immutable file of the article's current narration (in the bucket with S3).

    A private article's needs a signed URL (its `audio_url`) and sends on to its file signed until the same time.
    """
    article = records.get_article(session, article_id)
    links = route_links(session, settings, article, request.url.path, expires, signature)
    current = records.current_narration(session, article)
    if current is None or not current.audio_key:
        raise NotFound(f"Article {article_id!r} has no finished narration yet")
    # The redirect changes when a new version is done, so it must not be cached.
    return media_redirect(storage, current.audio_key, links)
