"""Publishers' feeds and sitemaps polled for articles (service/sources), and the items each listed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core.models.base import Base, UtcDateTime, new_id, utcnow


class Source(Base):
    """A publisher's feed (RSS, Atom, JSON Feed) or XML sitemap, polled for articles to narrate (service/sources)."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(
        String(100), ForeignKey("projects.id", name="fk_sources_project_id"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    host: Mapped[str] = mapped_column(String(255), index=True)  # the URL's host: polls of one host are limited
    kind: Mapped[str | None] = mapped_column(String(10))  # feed | sitemap, known after the first good poll
    feed: Mapped[str | None] = mapped_column(String(100))  # the podcast feed its articles go to
    voice: Mapped[str | None] = mapped_column(String(100))
    section_voices: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    priority: Mapped[str] = mapped_column(String(10), default="now")
    include: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {categories, path_prefixes, pattern}
    exclude: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    interval_s: Mapped[int] = mapped_column(Integer)
    first_poll_newest: Mapped[int] = mapped_column(Integer)  # narrated at once on the first poll
    backfill: Mapped[bool] = mapped_column(Boolean, default=True)  # the rest of a first poll: backfill, or none
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    # HTTP validators of the last 200 (sent back as If-None-Match / If-Modified-Since).
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    next_poll_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())  # a poll is dispatched or running
    last_poll_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error_code: Mapped[str | None] = mapped_column(String(50))
    last_error_message: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # polls failed in a row (the backoff's exponent)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Added by revision 0006: the formats its articles are published in (None: NARRATOR_NARRATION_FORMATS).
    formats: Mapped[list[str] | None] = mapped_column(JSON)

    items: Mapped[list[SourceItem]] = relationship(back_populates="source", cascade="all, delete-orphan")


class SourceItem(Base):
    """An item a source listed once: what it was when last seen, and what became of it."""

    __tablename__ = "source_items"
    __table_args__ = (UniqueConstraint("source_id", "guid", name="uq_source_item_guid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(String(32), ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str] = mapped_column(Text)  # the feed's id (or link); a sitemap's <loc>
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text, index=True)  # the page's <link rel=canonical>
    item_date: Mapped[str | None] = mapped_column(String(64))  # updated / published / lastmod as listed
    item_hash: Mapped[str | None] = mapped_column(String(64))  # of the listing (title, summary, content)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # of the extracted spoken text
    # narrated | unchanged | backlog (waits for a backfill) | skipped (reason) | failed (reason: an error code)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(50))
    article_id: Mapped[str | None] = mapped_column(String(32), ForeignKey("articles.id", ondelete="SET NULL"))
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    source: Mapped[Source] = relationship(back_populates="items")
