"""/v1/feeds (create and read podcast feeds) and /feeds/{slug}.xml (their RSS)."""

from __future__ import annotations

import gzip
import hashlib

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.orm import Session

from service.api.auth import ArticlesRead, FeedsWrite
from service.api.deps import SessionDep, SettingsDep
from service.api.schemas import RequestBody
from service.articles.privacy import mark_private
from service.core.errors import NotFound
from service.core.models import Feed
from service.core.settings import Settings
from service.listeners.feeds import records as feed_records
from service.listeners.feeds.categories import check_category
from service.listeners.feeds.episodes import channel_of, episode_of, feed_links, feed_url
from service.listeners.feeds.rss import render_rss
from service.listeners.feeds.subscribers import subscriber_feed_url, verify_token

router = APIRouter(tags=["feeds"])

RSS_TYPE = "application/rss+xml; charset=utf-8"
# Podcast apps poll feeds; a short shared cache plus ETag revalidation keeps that cheap.
FEED_CACHE_CONTROL = "public, max-age=300"
PRIVATE_FEED_CACHE_CONTROL = "private, max-age=300"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,99}$"  # the same slugs articles accept in `feed`


class FeedChannelIn(RequestBody):
    """PUT /v1/feeds/{slug}: what a publisher says about a feed (everything but its slug)."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=500)
    description: str = Field(min_length=1, max_length=4000)
    language: str = Field(default="en", pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    author: str = Field(min_length=1, max_length=500)
    owner_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)
    image_url: str | None = Field(default=None, pattern=r"^https?://", max_length=2000)
    link: str | None = Field(default=None, pattern=r"^https?://", max_length=2000)
    category: str
    subcategory: str | None = None
    explicit: bool = False
    locked: bool = False
    private: bool | None = Field(
        default=None,
        description="served only at subscribers' URLs (POST /v1/feeds/{slug}/subscribers), every episode signed "
        "(default: unchanged; a new feed is public)",
    )

    @model_validator(mode="after")
    def _apple_category(self) -> FeedChannelIn:
        check_category(self.category, self.subcategory)
        return self

    def fields(self) -> feed_records.FeedFields:
        return feed_records.FeedFields(**self.model_dump(exclude={"slug", "private"}))


class FeedIn(FeedChannelIn):
    """POST /v1/feeds: a new feed's slug and channel."""

    slug: str = Field(pattern=SLUG_PATTERN)


class FeedOut(BaseModel):
    slug: str
    title: str
    description: str
    language: str
    author: str
    owner_email: str
    image_url: str | None
    link: str | None
    category: str
    subcategory: str | None
    explicit: bool
    locked: bool
    private: bool
    guid: str
    rss_url: str | None  # None for a private feed: each subscriber has their own (POST .../subscribers)

    @classmethod
    def of(cls, feed: Feed, base_url: str) -> FeedOut:
        fields = {name: getattr(feed, name) for name in cls.model_fields if name != "rss_url"}
        return cls(**fields, rss_url=None if feed.private else feed_url(base_url, feed.slug))


def base_url(request: Request, settings: Settings) -> str:
    """Absolute base for links: the configured public URL, else the URL this request came in on."""
    return (settings.public_url or str(request.base_url)).rstrip("/")


@router.post("/v1/feeds", status_code=201, response_model=FeedOut)
def create_feed(
    body: FeedIn,
    principal: FeedsWrite,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> FeedOut:
    """Create a feed; 201 with its URL in Location, 409 if the slug is taken."""
    base = base_url(request, settings)
    feed = feed_records.create_feed(
        session, body.slug, body.fields(), feed_url=feed_url(base, body.slug), project=principal.project_id
    )
    mark_private(settings, feed, bool(body.private))
    session.commit()
    response.headers["Location"] = f"/v1/feeds/{feed.slug}"
    return FeedOut.of(feed, base)


@router.get("/v1/feeds", response_model=list[FeedOut])
def list_feeds(request: Request, session: SessionDep, settings: SettingsDep, principal: ArticlesRead) -> list[FeedOut]:
    """Every feed."""
    base = base_url(request, settings)
    return [FeedOut.of(feed, base) for feed in feed_records.list_feeds(session, principal.project_id)]


@router.get("/v1/feeds/{slug}", response_model=FeedOut)
def get_feed(
    slug: str, request: Request, session: SessionDep, settings: SettingsDep, principal: ArticlesRead
) -> FeedOut:
    """One feed."""
    return FeedOut.of(feed_records.get_feed(session, slug, principal.project_id), base_url(request, settings))


@router.put("/v1/feeds/{slug}", response_model=FeedOut)
def update_feed(
    slug: str,
    body: FeedChannelIn,
    principal: FeedsWrite,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> FeedOut:
    """Replace the feed's channel (title, description, category, ...); its slug and podcast:guid stay.

    `private` makes it private (its articles' URLs signed, its RSS only at subscribers' URLs) or public again.
    """
    feed = feed_records.update_feed(session, slug, body.fields(), principal.project_id)
    if body.private is not None:
        mark_private(settings, feed, body.private)
    session.commit()
    return FeedOut.of(feed, base_url(request, settings))


@router.get("/feeds/{slug}.xml", response_class=Response)  # HEAD too (service/api/methods.py)
def feed_rss(slug: str, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The podcast RSS: ETag/304, gzip when the client accepts it (only here: audio is never compressed).

    A private feed is 404 here: it is served only at its subscribers' URLs.
    """
    feed = feed_records.get_feed(session, slug)
    if feed.private:
        raise NotFound(f"No feed {slug!r}")
    return rss_response(request, session, settings, feed, FEED_CACHE_CONTROL)


@router.get("/feeds/{slug}/{token}.xml", response_class=Response)
def subscriber_rss(slug: str, token: str, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """A private feed for one subscriber; 404 for a revoked or unknown token. Episode URLs are signed."""
    feed = feed_records.get_feed(session, slug)
    verify_token(session, slug, token)
    self_url = subscriber_feed_url(base_url(request, settings), slug, token)
    # A subscriber's own copy: shared caches must not keep it (or serve it on after a revocation).
    return rss_response(request, session, settings, feed, PRIVATE_FEED_CACHE_CONTROL, self_url)


def rss_response(
    request: Request,
    session: Session,
    settings: Settings,
    feed: Feed,
    cache_control: str,
    self_url: str | None = None,
) -> Response:
    """The feed's RSS with ETag/304 and gzip."""
    base = base_url(request, settings)
    links = feed_links(settings, feed, base)
    items = feed_records.feed_items(session, feed.slug)
    body = render_rss(channel_of(feed, base, self_url), [episode_of(a, n, links) for a, n in items])
    # Weak: the gzip and identity bodies differ in bytes but are the same feed.
    etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    if accepts_gzip(request.headers.get("accept-encoding", "")):
        body = gzip.compress(body, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=RSS_TYPE, headers=headers)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match with weak comparison (RFC 9110 13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


def accepts_gzip(accept_encoding: str) -> bool:
    """True when Accept-Encoding lists gzip (or *) with a non-zero quality."""
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() not in ("gzip", "*"):
            continue
        quality = params.strip().removeprefix("q=")
        try:
            return float(quality) > 0 if params.strip().startswith("q=") else True
        except ValueError:
            return False
    return False
