"""Segments (one synthesized block, cached by key), their encoded parts, which narration uses which, voice samples."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.core.models.base import Base, UtcDateTime, utcnow


class Segment(Base):
    """The segment cache: one spoken block's audio and timings, by a key of everything that shapes it.

    key = sha256(engine, voice, voice parameters, model, the block's kind and
    written text, and the exact text the engine reads: normalized, with the
    lexicon applied). Any narration of any article reuses a done segment.
    """

    __tablename__ = "segments"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    voice: Mapped[str] = mapped_column(String(100))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)  # what to synthesize: kind, text, language, lexicon
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | done | failed | cancelled (unneeded)
    audio_key: Mapped[str | None] = mapped_column(String(200))  # FLAC in storage
    timings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sample_rate: Mapped[int | None] = mapped_column(Integer)
    samples: Mapped[int | None] = mapped_column(Integer)
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    synthesized_count: Mapped[int] = mapped_column(Integer, default=0)  # how often it was (re)made
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Added by revision 0007: when direct synthesis last reused it (a stream with no narration to name it);
    # garbage collection spares it for the grace period, as it spares one just made.
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SegmentPart(Base):
    """A segment mastered and encoded for one output format: MPEG frames that narrations join as they are.

    key = sha256(segment key, sample rate, bitrate, mastering targets and the
    intro/outro mixed in, if any). Made by the worker that synthesized the
    segment, or by the assembly that first needs it.
    """

    __tablename__ = "segment_parts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    segment_key: Mapped[str] = mapped_column(String(64), ForeignKey("segments.key"), index=True)
    audio_key: Mapped[str] = mapped_column(String(200))  # the frames in storage
    frame_count: Mapped[int] = mapped_column(Integer)
    samples: Mapped[int] = mapped_column(Integer)
    sample_rate: Mapped[int] = mapped_column(Integer)
    lead_in: Mapped[int] = mapped_column(Integer, default=0)
    loudness_lufs: Mapped[float | None] = mapped_column(Float)
    true_peak_dbtp: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class NarrationSegment(Base):
    """A narration's plan: which segment is heard at which position."""

    __tablename__ = "narration_segments"

    narration_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("narrations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_key: Mapped[str] = mapped_column(String(64), ForeignKey("segments.key"), index=True)
    cached: Mapped[bool] = mapped_column(Boolean, default=False)  # done before this narration asked for it


class VoiceSample(Base):
    """The narrated sample of one version of one voice, or the request for it."""

    __tablename__ = "voice_samples"

    voice_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | done | failed
    audio_key: Mapped[str | None] = mapped_column(String(200))
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
