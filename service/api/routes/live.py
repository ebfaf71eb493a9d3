"""GET /v1/articles/{id}/live.mp3: listen while the narration is being made."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy import select

from service.api.deps import SessionDep, SettingsDep, StorageDep
from service.articles import records
from service.articles.privacy import route_links
from service.audio.stream import Mp3Stream
from service.core.db import session_scope
from service.core.errors import NotFound
from service.core.models import NarrationSegment, Segment
from service.core.settings import Settings
from service.core.voices import catalog_dirs, get_voice
from service.document.model import Block
from service.listeners.live import Piece, stream_pieces
from service.segments.pauses import pauses_after

router = APIRouter(prefix="/v1/articles", tags=["listeners"])


def live_plan(settings: Settings, narration_id: str) -> list[Piece] | None:
    """The narration's segments in order with the pause after each; None until the worker has planned it.

    The pauses are the final file's (service/segments/pauses.py), SSML breaks
    included: they come from the article's blocks, which the plan was made of.
    """
    with session_scope(settings.database_url) as session:
        narration = records.get_narration(session, narration_id)
        rows = session.execute(
            select(NarrationSegment.segment_key, Segment.spec)
            .join(Segment, Segment.key == NarrationSegment.segment_key)
            .where(NarrationSegment.narration_id == narration_id)
            .order_by(NarrationSegment.position)
        ).all()
        if not rows:
            return [] if narration.status in records.TERMINAL_STATUSES else None
        voice = get_voice(catalog_dirs(settings), narration.voice)
        planned = tuple(Block(spec["kind"], spec["text"]) for _, spec in rows)
        blocks = records.document_of(records.get_article(session, narration.article_id)).spoken_blocks()
        if [(b.kind, b.text) for b in blocks] != [(b.kind, b.text) for b in planned]:
            blocks = planned  # the article was edited since this plan: its breaks are not this plan's
        return [Piece(key, pause) for (key, _), pause in zip(rows, pauses_after(voice.pauses, blocks), strict=True)]


@router.get("/{article_id}/live.mp3", response_model=None)
def live_audio(
    article_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    expires: str | None = None,
    signature: str | None = None,
) -> Response:
    """While a narration runs: MP3 streamed as its paragraphs finish. Once done: 307 to the final file.

    A private article's needs a signed URL, and sends on to its file signed until the same time.
    """
    article = records.get_article(session, article_id)
    links = route_links(session, settings, article, request.url.path, expires, signature)
    latest = records.latest_narration(session, article.id)
    current = records.current_narration(session, article)
    if latest is not None and latest.status in ("queued", "running"):
        encoder = Mp3Stream(settings.mp3_bitrate_kbps, settings.output_sample_rate)  # the final file's format
        stream = stream_pieces(settings, storage, lambda: live_plan(settings, latest.id), encoder)
        return StreamingResponse(stream, media_type="audio/mpeg", headers={"Cache-Control": "no-store"})
    if current is not None and current.audio_key:
        return RedirectResponse(links.media(current.audio_key), status_code=307, headers={"Cache-Control": "no-cache"})
    raise NotFound(f"Article {article_id!r} has no narration to listen to")
