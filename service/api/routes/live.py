"""GET /v1/articles/{id}/live.mp3: listen while the narration is being made."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy import select

from service.api.deps import SessionDep, SettingsDep, StorageDep
from service.articles import records
from service.core.db import session_scope
from service.core.errors import NotFound
from service.core.models import NarrationSegment, Segment
from service.core.settings import Settings
from service.core.voices import catalog_dirs, get_voice
from service.listeners.live import Mp3Encoder, Piece, stream_pieces

router = APIRouter(prefix="/v1/articles", tags=["listeners"])


def live_plan(settings: Settings, narration_id: str) -> list[Piece] | None:
    """The narration's segments in order with the pause after each; None until the worker has planned it."""
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
        pauses = get_voice(catalog_dirs(settings), narration.voice).pauses
        kinds = [spec["kind"] for _, spec in rows]
        return [
            Piece(key, pauses.between(kinds[i], kinds[i + 1]) if i + 1 < len(kinds) else 0)
            for i, (key, _) in enumerate(rows)
        ]


@router.get("/{article_id}/live.mp3", response_model=None)
def live_audio(
    article_id: str,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
) -> Response:
    """While a narration runs: MP3 streamed as its paragraphs finish. Once done: 307 to the final file."""
    article = records.get_article(session, article_id)
    latest = records.latest_narration(session, article.id)
    current = records.current_narration(session, article)
    if latest is not None and latest.status in ("queued", "running"):
        stream = stream_pieces(
            settings, storage, lambda: live_plan(settings, latest.id), Mp3Encoder(settings.mp3_bitrate_kbps)
        )
        return StreamingResponse(stream, media_type="audio/mpeg", headers={"Cache-Control": "no-store"})
    if current is not None and current.audio_key:
        return RedirectResponse(f"/media/{current.audio_key}", status_code=307, headers={"Cache-Control": "no-cache"})
    raise NotFound(f"Article {article_id!r} has no narration to listen to")
