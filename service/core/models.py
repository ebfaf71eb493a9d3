"""SQLAlchemy records: articles and their narrations (DESIGN.md 3)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def new_id() -> str:
    """A random, URL-safe record id."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment stored in UTC and always read back with its time zone.

    PostgreSQL keeps the zone; SQLite stores text and hands back naive
    datetimes, which would compare wrongly with aware ones and print without an
    offset in the API. A naive value written is taken as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


DEFAULT_PROJECT = "default"  # the embedded default's one project, made by the migration


class Project(Base):
    """Who owns articles, feeds, lexicon entries, webhooks and keys; an API key sees only its project."""

    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # a slug: `narrator keys create --project P`
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ApiKey(Base):
    """An API key: only its SHA-256 is kept, with a short visible prefix to recognise it by."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(String(100), ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))  # "nk_" + the key's next 8 characters
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the whole key
    scopes: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


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
    reason: Mapped[str] = mapped_column(String(20), default="created")  # created | edited | voice | lexicon | forced
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


class WebhookEndpoint(Base):
    """A URL that receives signed events (Standard Webhooks), optionally only some types or one feed."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    url: Mapped[str] = mapped_column(Text)
    # Kept in the clear: signing needs the key itself, not a hash of it.
    secret: Mapped[str] = mapped_column(String(200))
    event_types: Mapped[list[Any]] = mapped_column(JSON)
    feed: Mapped[str | None] = mapped_column(String(100), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Added by revision 0003, so last (SQLite adds columns at the end): the owner, see service/access.
    project_id: Mapped[str] = mapped_column(
        String(100),
        ForeignKey("projects.id", name="fk_webhook_endpoints_project_id"),
        default=DEFAULT_PROJECT,
        server_default=DEFAULT_PROJECT,
        index=True,
    )

    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="endpoint", cascade="all, delete-orphan", passive_deletes=True
    )


class WebhookDelivery(Base):
    """One event on its way to one endpoint: the exact body sent, its state and its attempts."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_delivery_event"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    endpoint_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[str] = mapped_column(String(100))  # the webhook-id header, the same on every attempt
    event_type: Mapped[str] = mapped_column(String(50))
    payload: Mapped[str] = mapped_column(Text)  # the body exactly as signed and sent
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | succeeded | failed
    attempts_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    error: Mapped[str | None] = mapped_column(Text)  # why a failed delivery stopped
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    endpoint: Mapped[WebhookEndpoint] = relationship(back_populates="deliveries")
    attempts: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", passive_deletes=True, order_by="WebhookAttempt.number"
    )


class WebhookAttempt(Base):
    """One HTTP attempt of a delivery: when, how long, and the status code or the error."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "number", name="uq_webhook_attempt_number"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    delivery_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # 1-based
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(10))  # succeeded | retryable | final

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempts")


class LexiconEntry(Base):
    """A pronunciation: a word or phrase said as an alias text or as IPA phonemes; global or per feed."""

    __tablename__ = "lexicon_entries"
    __table_args__ = (UniqueConstraint("scope", "term", name="uq_lexicon_scope_term"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scope: Mapped[str] = mapped_column(String(100), index=True)  # "*" = every feed, else a feed slug
    term: Mapped[str] = mapped_column(String(200))
    alias: Mapped[str | None] = mapped_column(Text)
    ipa: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)  # the scope's lexicon version when last changed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    # Added by revision 0003, so last (SQLite adds columns at the end): the owner, see service/access.
    project_id: Mapped[str] = mapped_column(
        String(100),
        ForeignKey("projects.id", name="fk_lexicon_entries_project_id"),
        default=DEFAULT_PROJECT,
        server_default=DEFAULT_PROJECT,
        index=True,
    )


class LexiconVersion(Base):
    """A counter per lexicon scope, bumped by every change (entries record the version they came in)."""

    __tablename__ = "lexicon_versions"

    scope: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


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
