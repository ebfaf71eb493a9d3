"""SQLAlchemy records: articles and their narrations (DESIGN.md 3)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def new_id() -> str:
    """A random, URL-safe record id."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Article(Base):
    """A publisher's article: its source, the extracted text, and its current narration."""

    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("feed", "external_id", name="uq_article_feed_external_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    external_id: Mapped[str | None] = mapped_column(String(200))
    feed: Mapped[str | None] = mapped_column(String(100), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(20), default="en")
    source_kind: Mapped[str] = mapped_column(String(10))  # text | html | markdown | url
    source: Mapped[str] = mapped_column(Text)  # what the publisher sent, kept for re-extraction
    blocks: Mapped[list[Any]] = mapped_column(JSON)  # [{"kind": ..., "text": ...}], title included
    voice: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    current_narration_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("narrations.id", use_alter=True, ondelete="SET NULL", name="fk_article_current_narration")
    )

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
    audio_key: Mapped[str | None] = mapped_column(String(200))
    captions_key: Mapped[str | None] = mapped_column(String(200))
    marks_key: Mapped[str | None] = mapped_column(String(200))
    chapters_key: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    article: Mapped[Article] = relationship(back_populates="narrations", foreign_keys=[article_id])
