"""A narration's life: queued, running with its progress, then done with its files or failed with a code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.articles.records.lookups import current_narration, get_article, get_narration
from service.core.models import Article, Narration, NarrationFile, utcnow

TERMINAL_STATUSES = frozenset({"done", "failed"})


@dataclass(frozen=True)
class FormatFile:
    """A finished narration's audio in one more format (Opus, AAC), as stored."""

    format: str
    key: str
    media_type: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class FinishedAudio:
    """What a worker reports when a narration's files are stored."""

    sha256: str
    audio_key: str
    bytes: int
    duration_s: float
    captions_key: str | None = None
    marks_key: str | None = None
    chapters_key: str | None = None
    files: tuple[FormatFile, ...] = ()  # the formats besides the MP3 its article asked for


def add_narration(
    session: Session,
    article: Article,
    *,
    voice: str,
    priority: str = "now",
    reason: str = "created",
    bypass_cache: bool = False,
    asr_review: bool = False,
) -> Narration:
    """Queue a new narration version of `article`."""
    latest = session.scalar(select(func.max(Narration.version)).where(Narration.article_id == article.id))
    narration = Narration(
        article_id=article.id,
        version=(latest or 0) + 1,
        voice=voice,
        status="queued",
        priority=priority,
        reason=reason,
        bypass_cache=bypass_cache,
        asr_review=asr_review,
    )
    session.add(narration)
    session.flush()
    return narration


def start_narration(session: Session, narration_id: str) -> Narration | None:
    """Mark a narration running; None when it is already finished (a redelivered task)."""
    narration = get_narration(session, narration_id)
    if narration.status in TERMINAL_STATUSES:
        return None
    narration.status = "running"
    narration.progress = 0.0
    narration.started_at = narration.progressed_at = utcnow()
    narration.attempts += 1
    narration.error_code = narration.error_message = None
    return narration


def set_progress(session: Session, narration_id: str, progress: float) -> None:
    """Record how far a running narration is (0..1)."""
    narration = get_narration(session, narration_id)
    if narration.status == "running":
        narration.progress = max(0.0, min(1.0, progress))
        narration.progressed_at = utcnow()


def finish_narration(session: Session, narration_id: str, audio: FinishedAudio) -> Narration:
    """Mark a narration done and make it current unless a newer version already is."""
    narration = get_narration(session, narration_id)
    narration.status = "done"
    narration.progress = 1.0
    narration.finished_at = utcnow()
    narration.sha256 = audio.sha256
    narration.audio_key = audio.audio_key
    narration.bytes = audio.bytes
    narration.duration_s = audio.duration_s
    narration.captions_key = audio.captions_key
    narration.marks_key = audio.marks_key
    narration.chapters_key = audio.chapters_key
    narration.files = [
        NarrationFile(format=f.format, key=f.key, media_type=f.media_type, bytes=f.bytes, sha256=f.sha256)
        for f in audio.files
    ]
    article = get_article(session, narration.article_id)
    current = current_narration(session, article)
    # A slow old version finishing late must not replace a newer one.
    if current is None or current.version <= narration.version:
        article.current_narration_id = narration.id
    return narration


def fail_narration(session: Session, narration_id: str, code: str, message: str) -> Narration:
    """Mark a narration failed with a stable error code; the article keeps its current audio."""
    narration = get_narration(session, narration_id)
    narration.status = "failed"
    narration.finished_at = utcnow()
    narration.error_code = code
    narration.error_message = message[:2000]
    return narration
