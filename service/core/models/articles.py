"""Articles, their narrations, the dispatches that carry them (the outbox), idempotency keys and ASR reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core.models.base import DEFAULT_PROJECT, Base, UtcDateTime, new_id, utcnow


class Article(Base):
    """A publisher's article: its source, the extracted text, and its current narration."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("feed", "external_id", name="uq_article_feed_external_id"),
        # NULLs are distinct in a unique constraint (SQLite and PostgreSQL alike), so
        # articles without a feed get their own partial index: one external_id each per project.
        Index(
            "uq_article_external_id_no_feed",
            "project_id",
            "external_id",
            unique=True,
            sqlite_where=text("feed IS NULL"),
            postgresql_where=text("feed IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    external_id: Mapped[str | None] = mapped_column(String(200))
    feed: Mapped[str | None] = mapped_column(String(100), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(20), default="en")
    source_kind: Mapped[str] = mapped_column(String(10))  # text | html | markdown | url | ssml
    source: Mapped[str] = mapped_column(Text)  # what the publisher sent, kept for re-extraction
    blocks: Mapped[list[Any]] = mapped_column(JSON)  # [{"kind": ..., "text": ...}], title included
    voice: Mapped[str] = mapped_column(String(100))
    # Voices for sections, as the best players do: {"heading": id (title + headings), "quote": id}.
    section_voices: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    current_narration_id: Mapped[str | None] = mapped_column(
        String(32),
        ForeignKey("narrations.id", use_alter=True, ondelete="SET NULL", name="fk_article_current_narration"),
    )
    # Added by revision 0003, so last (SQLite adds columns at the end): the owner, see service/access.
    project_id: Mapped[str] = mapped_column(
        String(100),
        ForeignKey("projects.id", name="fk_articles_project_id"),
        default=DEFAULT_PROJECT,
        server_default=DEFAULT_PROJECT,
        index=True,
    )
    # Added by revision 0005: its files are served only through signed, expiring URLs (service/articles/privacy.py).
    private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Added by revision 0006: the formats its narrations are published in (service/audio/formats.py), MP3 always.
    formats: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["mp3"], server_default=text("'[\"mp3\"]'"))

    narrations: Mapped[list[Narration]] = relationship(
        back_populates="article",
        foreign_keys="Narration.article_id",
        cascade="all, delete-orphan",
        order_by="Narration.version",
    )


class Narration(Base):
    """One version of an article's audio and how it was made."""

    __tablename__ = "narrations"
    __table_args__ = (UniqueConstraint("article_id", "version", name="uq_narration_version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    article_id: Mapped[str] = mapped_column(String(32), ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    voice: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued | running | done | failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    duration_s: Mapped[float | None] = mapped_column(Float)
    bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # Indexed: an unsigned /media request asks whether its file belongs to a private article.
    audio_key: Mapped[str | None] = mapped_column(String(200), index=True)
    captions_key: Mapped[str | None] = mapped_column(String(200), index=True)
    marks_key: Mapped[str | None] = mapped_column(String(200), index=True)
    chapters_key: Mapped[str | None] = mapped_column(String(200), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[str] = mapped_column(String(10), default="now")  # now | backfill (its queue)
    reason: Mapped[str] = mapped_column(
        String(20), default="created"
    )  # created | edited | voice | formats | lexicon | forced
    segments_total: Mapped[int] = mapped_column(Integer, default=0)
    segments_cached: Mapped[int] = mapped_column(Integer, default=0)  # reused from the segment cache
    segments_synthesized: Mapped[int] = mapped_column(Integer, default=0)
    bypass_cache: Mapped[bool] = mapped_column(Boolean, default=False)  # a forced re-narration synthesizes everything
    asr_review: Mapped[bool] = mapped_column(Boolean, default=False)  # transcribe it afterwards (GET .../review)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # When it last moved (planned, a segment done, assembly begun, re-dispatched): the reconciler's clock.
    progressed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reconciles: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0"
    )  # times the reconciler re-dispatched it

    article: Mapped[Article] = relationship(back_populates="narrations", foreign_keys=[article_id])
    # Its files in formats besides the MP3 (Opus, AAC), loaded with it: every view of a narration lists them.
    files: Mapped[list[NarrationFile]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin", order_by="NarrationFile.format"
    )


class NarrationFile(Base):
    """A finished narration in one more format: the same audio, timeline and loudness as its MP3."""

    __tablename__ = "narration_files"

    narration_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("narrations.id", ondelete="CASCADE"), primary_key=True
    )
    format: Mapped[str] = mapped_column(String(10), primary_key=True)  # opus | aac (service/audio/formats.py)
    # Indexed: an unsigned /media request asks whether its file belongs to a private article.
    key: Mapped[str] = mapped_column(String(200), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class Dispatch(Base):
    """The outbox: a task to publish, committed in the same transaction as the work it starts.

    A dispatcher (service/core/outbox.py) publishes pending rows when the broker
    is reachable and marks them sent, so a broker outage never loses accepted work.
    """

    __tablename__ = "dispatches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task: Mapped[str] = mapped_column(String(100))  # a task name from service/core/queue.py
    args: Mapped[list[Any]] = mapped_column(JSON)
    queue: Mapped[str] = mapped_column(String(100))
    narration_id: Mapped[str | None] = mapped_column(String(32), index=True)  # what it is for (no foreign key)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class IdempotencyRecord(Base):
    """The first response to a POST carrying an Idempotency-Key, replayed for retries."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="in_progress")  # in_progress | done
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    response_location: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class NarrationReview(Base):
    """The ASR self-check of a narration: how well a recognizer heard it, paragraph by paragraph."""

    __tablename__ = "narration_reviews"

    narration_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("narrations.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[float] = mapped_column(Float)  # 1 - WER over the whole narration, 0..1
    # [{index, text, score, heard, words, errors, differences: [{expected, start, end, heard}]}]
    paragraphs: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
