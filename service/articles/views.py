"""How a narration is shown to clients: the API's responses and the webhook events share this one shape."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from service.articles.privacy import PUBLIC, MediaLinks, links_for
from service.audio.formats import MP3, PREFERENCE
from service.core.models import Narration
from service.core.settings import Settings


class NarrationFailure(BaseModel):
    """Why a narration failed: a stable code and a message for people."""

    code: str
    message: str


class AudioFileOut(BaseModel):
    """A finished narration in one format: the same audio, timeline and loudness in each."""

    format: str  # mp3 | opus | aac
    url: str
    media_type: str  # what an <audio>'s <source type> takes: audio/mpeg, audio/ogg; codecs=opus, audio/mp4
    bytes: int


def audio_files(n: Narration, links: MediaLinks = PUBLIC) -> list[AudioFileOut]:
    """The narration's audio in every format it was made in, the one a player should try first first (MP3 last)."""
    files = [
        AudioFileOut(format=f.format, url=links.media(f.key), media_type=f.media_type, bytes=f.bytes) for f in n.files
    ]
    if n.audio_key:
        files.append(
            AudioFileOut(format=MP3.name, url=links.media(n.audio_key), media_type=MP3.media_type, bytes=n.bytes or 0)
        )
    return sorted(files, key=lambda f: PREFERENCE.index(f.format))


class NarrationOut(BaseModel):
    id: str
    article_id: str
    version: int
    voice: str
    status: str
    progress: float
    reason: str
    review_url: str | None
    priority: str
    segments: dict[str, int]
    error: NarrationFailure | None
    duration_s: float | None
    bytes: int | None
    sha256: str | None
    audio_url: str | None
    captions_url: str | None = None  # WebVTT
    marks_url: str | None = None  # JSON word/sentence/paragraph marks with offsets into the article text
    chapters_url: str | None = None  # Podcasting 2.0 chapters JSON
    audio_files: list[AudioFileOut] = []  # once done: the audio in each format (Opus, AAC when asked), MP3 last
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, n: Narration, links: MediaLinks = PUBLIC) -> NarrationOut:
        """The narration with its files' URLs as `links` gives them (signed for a private article)."""
        return cls(
            id=n.id,
            article_id=n.article_id,
            version=n.version,
            voice=n.voice,
            status=n.status,
            progress=n.progress,
            reason=n.reason,
            review_url=f"/v1/narrations/{n.id}/review" if n.asr_review else None,
            priority=n.priority,
            segments={"total": n.segments_total, "cached": n.segments_cached, "synthesized": n.segments_synthesized},
            error=NarrationFailure(code=n.error_code, message=n.error_message or "") if n.error_code else None,
            duration_s=n.duration_s,
            bytes=n.bytes,
            sha256=n.sha256,
            audio_url=links.media(n.audio_key) if n.audio_key else None,
            captions_url=links.media(n.captions_key) if n.captions_key else None,
            marks_url=links.media(n.marks_key) if n.marks_key else None,
            chapters_url=links.media(n.chapters_key) if n.chapters_key else None,
            audio_files=audio_files(n, links),
            created_at=n.created_at,
            started_at=n.started_at,
            finished_at=n.finished_at,
        )


def narration_view(session: Session, settings: Settings, narration: Narration) -> NarrationOut:
    """The narration as clients see it: its files' URLs signed when its article is private."""
    return NarrationOut.of(narration, links_for(session, settings, narration.article))
