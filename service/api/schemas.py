"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from service.articles.privacy import PUBLIC, MediaLinks
from service.articles.views import NarrationOut
from service.core.hygiene import clean_text
from service.core.models import Article, Narration


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


class ArticleOut(BaseModel):
    id: str
    external_id: str | None
    feed: str | None
    title: str | None
    byline: str | None
    language: str
    voice: str
    section_voices: dict[str, str]
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
