"""Podcast feeds, a private feed's subscribers, and the anonymous listening events of their players."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from service.core.models.base import DEFAULT_PROJECT, Base, UtcDateTime, new_id, utcnow


class Feed(Base):
    """A podcast feed: channel metadata; its items are its articles with a done narration."""

    __tablename__ = "feeds"

    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(20), default="en")
    author: Mapped[str] = mapped_column(Text)
    owner_email: Mapped[str] = mapped_column(String(320))
    image_url: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)  # the publisher's website; default: the service's base URL
    category: Mapped[str] = mapped_column(String(100))
    subcategory: Mapped[str | None] = mapped_column(String(100))
    explicit: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # podcast:guid is derived from the feed URL once, at creation, and then never changes (Podcasting 2.0).
    guid: Mapped[str] = mapped_column(String(36))
    # Storage keys of the feed's own audio and art (PUT /v1/feeds/{slug}/{intro,outro,cover}).
    intro_key: Mapped[str | None] = mapped_column(String(200))
    outro_key: Mapped[str | None] = mapped_column(String(200))
    cover_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    # Added by revision 0003, so last (SQLite adds columns at the end): the owner, see service/access.
    project_id: Mapped[str] = mapped_column(
        String(100),
        ForeignKey("projects.id", name="fk_feeds_project_id"),
        default=DEFAULT_PROJECT,
        server_default=DEFAULT_PROJECT,
        index=True,
    )
    # Added by revision 0005: the RSS only at subscribers' token URLs, every article in it private.
    private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class FeedSubscriber(Base):
    """One subscriber of a private feed: a token for the feed URL, kept as its SHA-256, revoked one by one."""

    __tablename__ = "feed_subscribers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    feed_slug: Mapped[str] = mapped_column(String(100), ForeignKey("feeds.slug", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))  # who it is for, e.g. the publisher's subscriber id
    prefix: Mapped[str] = mapped_column(String(16))  # "fs_" + the token's next 8 characters
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the whole token
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ListenEvent(Base):
    """One anonymous listening event from the player: a play or a quartile reached (no personal data)."""

    __tablename__ = "listen_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(String(32), ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    narration_id: Mapped[str | None] = mapped_column(String(32))  # the version that was current, for comparisons
    kind: Mapped[str] = mapped_column(String(10))  # play | p25 | p50 | p75 | p100
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
