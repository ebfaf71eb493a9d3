"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from service.articles.intake import ArticleInput
from service.articles.listing import ArticleRow
from service.articles.privacy import PUBLIC, MediaLinks
from service.articles.views import NarrationOut
from service.audio.formats import FormatName
from service.core.hygiene import clean_text
from service.core.models import Article, Narration
from service.sources.records import SourceSpec


class RequestBody(BaseModel):
    """Base of every request body: each text field is cleaned (service/core/hygiene.py) before it is validated."""

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value: object) -> object:
        return clean_text(value) if isinstance(value, str) else value


class ArticleCreate(RequestBody):
    """POST /v1/articles: exactly one of text, markdown, html, url or ssml."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, max_length=1000)
    text: str | None = None
    markdown: str | None = None
    html: str | None = None
    url: str | None = Field(default=None, max_length=2000)
    ssml: str | None = None  # an SSML <speak> document
    byline: str | None = Field(default=None, max_length=1000)
    voice: str | None = Field(default=None, max_length=100)
    language: str = Field(default="en", pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    feed: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")
    external_id: str | None = Field(default=None, min_length=1, max_length=200)
    priority: Literal["now", "backfill"] = "now"
    review: bool | None = Field(default=None, description="ASR self-check of the narration (default: the setting)")
    private: bool | None = Field(
        default=None,
        description="serve its audio, captions, marks and chapters only at signed, expiring URLs "
        "(default: unchanged; new articles are public)",
    )
    heading_voice: str | None = Field(default=None, max_length=100, description="voice for the headline and headings")
    quote_voice: str | None = Field(default=None, max_length=100, description="voice for quotes")
    formats: list[FormatName] | None = Field(
        default=None,
        max_length=3,
        description="the formats its narrations are published in: mp3 (always made: feeds and chapters need it), "
        "opus (Ogg), aac (m4a); default: the setting for a new article, unchanged for a known one",
    )

    def article_input(self) -> ArticleInput:
        """What intake reads: the source and its metadata."""
        return ArticleInput(
            title=self.title,
            text=self.text,
            markdown=self.markdown,
            html=self.html,
            url=self.url,
            ssml=self.ssml,
            byline=self.byline,
            language=self.language,
        )

    def section_voices(self) -> dict[str, str]:
        """The section voices named in the request."""
        named = {"heading": self.heading_voice, "quote": self.quote_voice}
        return {section: voice for section, voice in named.items() if voice}

    @model_validator(mode="after")
    def _one_source(self) -> ArticleCreate:
        given = [k for k in ("text", "markdown", "html", "url", "ssml") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'text', 'markdown', 'html', 'url' or 'ssml'")
        return self


class RenarrateIn(RequestBody):
    """POST /v1/articles/{id}/narrations."""

    model_config = ConfigDict(extra="forbid")
    voice: str | None = Field(default=None, max_length=100)
    force: bool = False
    priority: Literal["now", "backfill"] = "now"
    review: bool | None = None


class ArticleSummary(BaseModel):
    """One line of GET /v1/articles: the article and its newest narration."""

    id: str
    title: str | None
    external_id: str | None
    feed: str | None
    voice: str
    status: str  # the newest narration's: queued | running | done | failed (none: never narrated)
    duration_s: float | None
    changed_at: datetime
    latest_narration: NarrationOut | None

    @classmethod
    def of(cls, row: ArticleRow, links: MediaLinks = PUBLIC) -> ArticleSummary:
        """The row with its narration's URLs as `links` gives them (signed for a private article)."""
        a, latest = row.article, row.latest
        return cls(
            id=a.id,
            title=a.title,
            external_id=a.external_id,
            feed=a.feed,
            voice=a.voice,
            status=row.status,
            duration_s=latest.duration_s if latest else None,
            changed_at=row.changed_at,
            latest_narration=NarrationOut.of(latest, links) if latest else None,
        )


class FeedIn(RequestBody):
    """PUT /v1/articles/{id}/feed: the feed the article is an episode of (null: none)."""

    model_config = ConfigDict(extra="forbid")
    feed: str | None = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")


class ArticleOut(BaseModel):
    id: str
    external_id: str | None
    feed: str | None
    title: str | None
    byline: str | None
    language: str
    voice: str
    section_voices: dict[str, str]
    formats: list[str]  # what its narrations are published in (the current one's files: current_narration)
    source_kind: str
    text: str
    created_at: datetime
    updated_at: datetime
    audio_url: str | None
    # The current narration's timing files (null until a narration with them is done).
    captions_url: str | None = None
    marks_url: str | None = None
    chapters_url: str | None = None
    private: bool  # marked private, or in a private feed: every URL here is signed and expires
    player_url: str  # the embeddable player page (signed when private)
    player_json_url: str  # what <narrator-player source="..."> reads (signed when private)
    current_narration: NarrationOut | None
    latest_narration: NarrationOut | None

    @classmethod
    def of(
        cls, a: Article, current: Narration | None, latest: Narration | None, text: str, links: MediaLinks = PUBLIC
    ) -> ArticleOut:
        """The article with its URLs as `links` gives them (signed for a private article)."""
        return cls(
            id=a.id,
            external_id=a.external_id,
            feed=a.feed,
            title=a.title,
            byline=a.byline,
            language=a.language,
            voice=a.voice,
            section_voices=dict(a.section_voices or {}),
            formats=list(a.formats or ["mp3"]),
            source_kind=a.source_kind,
            text=text,
            created_at=a.created_at,
            updated_at=a.updated_at,
            audio_url=links.route(f"/v1/articles/{a.id}/audio.mp3") if current else None,
            captions_url=links.media(current.captions_key) if current and current.captions_key else None,
            marks_url=links.media(current.marks_key) if current and current.marks_key else None,
            chapters_url=links.media(current.chapters_key) if current and current.chapters_key else None,
            private=links.private,
            player_url=links.route(f"/player/{a.id}"),
            player_json_url=links.route(f"/v1/articles/{a.id}/player.json"),
            current_narration=NarrationOut.of(current, links) if current else None,
            latest_narration=NarrationOut.of(latest, links) if latest else None,
        )


class VoiceOut(BaseModel):
    id: str
    name: str
    engine: str
    language: str
    license: str
    sample_text: str
    default: bool


class SourceRule(RequestBody):
    """Which items a source takes (include) or leaves (exclude): any part matching counts."""

    model_config = ConfigDict(extra="forbid")
    categories: list[str] = Field(default_factory=list, max_length=100)
    path_prefixes: list[str] = Field(default_factory=list, max_length=100)
    pattern: str | None = Field(default=None, max_length=500, description="a regular expression searched in the URL")


class SourceCreate(RequestBody):
    """POST /v1/sources: an RSS/Atom/JSON feed or XML sitemap to poll, and how its items are narrated."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2000)
    feed: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,99}$", description="target podcast feed")
    interval_s: int = Field(default=900, ge=60, le=86_400, description="seconds between polls")
    voice: str | None = Field(default=None, max_length=100)
    heading_voice: str | None = Field(default=None, max_length=100)
    quote_voice: str | None = Field(default=None, max_length=100)
    priority: Literal["now", "backfill"] = "now"
    include: SourceRule | None = None
    exclude: SourceRule | None = None
    first_poll_newest: int | None = Field(
        default=None, ge=0, le=1000, description="narrated at once on the first poll (default: the setting)"
    )
    backfill: bool = Field(default=True, description="the rest of a first poll: narrated at backfill priority, or not")
    formats: list[FormatName] | None = Field(
        default=None, max_length=3, description="the formats its articles are published in (default: the setting)"
    )

    def section_voices(self) -> dict[str, str]:
        """The section voices named in the request."""
        named = {"heading": self.heading_voice, "quote": self.quote_voice}
        return {section: voice for section, voice in named.items() if voice}

    def spec(self) -> SourceSpec:
        """What service.sources registers."""
        return SourceSpec(
            url=self.url,
            interval_s=self.interval_s,
            feed=self.feed,
            voice=self.voice,
            section_voices=self.section_voices(),
            priority=self.priority,
            include=self.include.model_dump(exclude_defaults=True) if self.include else None,
            exclude=self.exclude.model_dump(exclude_defaults=True) if self.exclude else None,
            first_poll_newest=self.first_poll_newest,
            backfill=self.backfill,
            formats=list(self.formats) if self.formats is not None else None,
        )


class SourceItemsOut(BaseModel):
    seen: int
    narrated: int
    unchanged: int
    backlog: int
    skipped: dict[str, int]  # by reason: excluded, duplicate, backlog
    failed: dict[str, int]  # by error code: url_forbidden, fetch_failed, not_an_article, ...


class SourceOut(BaseModel):
    id: str
    url: str
    kind: str | None
    feed: str | None
    voice: str | None
    section_voices: dict[str, str]
    priority: str
    include: dict[str, Any]
    exclude: dict[str, Any]
    interval_s: int
    first_poll_newest: int
    backfill: bool
    formats: list[str] | None  # null: NARRATOR_NARRATION_FORMATS
    paused: bool
    next_poll_at: datetime
    last_poll_at: datetime | None
    last_success_at: datetime | None
    last_error: dict[str, str] | None  # {"code", "message"}
    failures: int
    created_at: datetime
    items: SourceItemsOut


class SourceItemOut(BaseModel):
    """One item a source listed and what became of it."""

    guid: str
    url: str
    canonical_url: str | None
    date: str | None
    status: str  # narrated | unchanged | backlog | skipped | failed | pending
    reason: str | None  # why skipped (excluded, duplicate, backlog) or the error code; for narrated: created | edited
    article_id: str | None
    first_seen_at: datetime
    updated_at: datetime
