"""Plain functions over feed records: create, read, and list a feed's items.

Each function takes an open `Session`; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.core.errors import DuplicateFeed, NotFound
from service.core.models import DEFAULT_PROJECT, Article, Feed, LexiconEntry, Narration, WebhookEndpoint
from service.listeners.feeds.guid import podcast_guid

# A select of any columns (SQLAlchemy 2.1 types a select by the tuple of what it returns).
Query = TypeVar("Query", bound=Select[*tuple[Any, ...]])
MAX_ITEMS = 500  # podcast apps read the newest items; a bounded feed stays fast to build and fetch


@dataclass(frozen=True)
class FeedFields:
    """What a publisher says about a feed (everything but its slug, guid and timestamps)."""

    title: str
    description: str
    language: str
    author: str
    owner_email: str
    category: str
    subcategory: str | None = None
    explicit: bool = False
    locked: bool = False
    image_url: str | None = None
    link: str | None = None


def create_feed(
    session: Session, slug: str, fields: FeedFields, *, feed_url: str, project: str = DEFAULT_PROJECT
) -> Feed:
    """Store a new feed; its podcast:guid is fixed now from the URL it is first published at.

    `DuplicateFeed` when the slug is taken: by a feed, or by another project that already uses it.
    """
    if session.get(Feed, slug) is not None or slug_owner(session, slug) not in (None, project):
        raise DuplicateFeed(f"feed {slug!r} already exists")
    feed = Feed(slug=slug, guid=podcast_guid(feed_url), project_id=project, **fields.__dict__)
    session.add(feed)
    try:
        session.flush()
    except IntegrityError:  # created by a concurrent request since the check above
        session.rollback()
        raise DuplicateFeed(f"feed {slug!r} already exists") from None
    return feed


def update_feed(session: Session, slug: str, fields: FeedFields, project: str | None = None) -> Feed:
    """Replace what the publisher says about a feed; its slug and podcast:guid never change."""
    feed = get_feed(session, slug, project)
    for name, value in fields.__dict__.items():
        setattr(feed, name, value)
    session.flush()
    return feed


def get_feed(session: Session, slug: str, project: str | None = None) -> Feed:
    """The feed with this slug (in `project`, when given), or `NotFound`."""
    feed = session.get(Feed, slug)
    if feed is None or (project is not None and feed.project_id != project):
        raise NotFound(f"No feed {slug!r}")
    return feed


def list_feeds(session: Session, project: str | None = None) -> list[Feed]:
    """Every feed (of one project), by slug."""
    query = select(Feed).order_by(Feed.slug)
    return list(session.scalars(query if project is None else query.where(Feed.project_id == project)))


def slug_owner(session: Session, slug: str) -> str | None:
    """The project a feed slug belongs to, or None while no one uses it.

    Slugs are one namespace across projects (`/feeds/{slug}.xml` is public): a slug is its feed's
    project's, or, before its feed exists, the project whose articles, lexicon entries or webhooks
    already name it. Otherwise one project could fill another's future feed with its own
    pronunciations or external ids.
    """
    feed = session.get(Feed, slug)
    if feed is not None:
        return feed.project_id
    for owner, named in (
        (Article.project_id, Article.feed),
        (LexiconEntry.project_id, LexiconEntry.scope),
        (WebhookEndpoint.project_id, WebhookEndpoint.feed),
    ):
        project = session.scalar(select(owner).where(named == slug).limit(1))
        if project is not None:
            return str(project)
    return None


def check_feed_owner(session: Session, slug: str | None, project: str) -> None:
    """NotFound when `slug` is another project's: its articles, lexicon entries and webhooks may not use it."""
    if slug and slug_owner(session, slug) not in (None, project):
        raise NotFound(f"No feed {slug!r}")


def _episodes(query: Query, slug: str) -> Query:
    """What makes an article an episode of the feed: in it, of the feed's project, its current narration done."""
    return (
        query.join(Narration, Narration.id == Article.current_narration_id)
        .where(Article.feed == slug, Narration.status == "done", Narration.audio_key.is_not(None))
        # Only the feed's own project's articles, should another project name the same slug.
        .where(Article.project_id == select(Feed.project_id).where(Feed.slug == slug).scalar_subquery())
        # A public feed leaves private articles out (it would hand out their URLs); a private feed has them all.
        .where(or_(Article.private.is_(False), select(Feed.private).where(Feed.slug == slug).scalar_subquery()))
    )


def feed_items(session: Session, slug: str, limit: int = MAX_ITEMS) -> list[tuple[Article, Narration]]:
    """The feed's articles whose current narration is done, newest article first, with that narration."""
    query = _episodes(select(Article, Narration), slug).order_by(Article.created_at.desc(), Article.id).limit(limit)
    return [(article, narration) for article, narration in session.execute(query)]


def episode_count(session: Session, slug: str) -> int:
    """How many episodes the feed has (all of them, where the RSS shows the newest MAX_ITEMS)."""
    return int(session.scalar(_episodes(select(func.count()).select_from(Article), slug)) or 0)
