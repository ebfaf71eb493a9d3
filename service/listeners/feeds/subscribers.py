"""Subscribers of private feeds: one token each in the feed URL, kept as its SHA-256, revoked one by one.

A token is `fs_` + 43 URL-safe characters (256 random bits), so, as with API
keys (service/access/keys.py), an unsalted SHA-256 is enough to keep: it can
only be stolen, never guessed. The feed URL holding it is shown once, when the
subscriber is created. A revoked token's feed is 404, like a feed that never was.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core.errors import InvalidInput, NotFound
from service.core.models import Feed, FeedSubscriber, utcnow

TOKEN_PREFIX = "fs_"
VISIBLE_CHARS = 11  # "fs_" + 8: enough to tell subscribers apart in a list
# last_used_at is written at most this often per subscriber, so podcast apps' polls do not each write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def subscriber_feed_url(base_url: str, slug: str, token: str) -> str:
    """The private feed's RSS for one subscriber."""
    return f"{base_url.rstrip('/')}/feeds/{slug}/{token}.xml"


def create_subscriber(session: Session, feed: Feed, name: str) -> tuple[FeedSubscriber, str]:
    """A new subscriber of `feed`: the record and the token itself, which is never stored."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("a subscriber's name is 1 to 200 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = FeedSubscriber(feed_slug=feed.slug, name=name, prefix=token[:VISIBLE_CHARS], token_hash=hash_token(token))
    session.add(record)
    session.flush()
    return record, token


def list_subscribers(session: Session, slug: str) -> list[FeedSubscriber]:
    """The feed's subscribers, revoked ones too, oldest first."""
    query = select(FeedSubscriber).where(FeedSubscriber.feed_slug == slug)
    return list(session.scalars(query.order_by(FeedSubscriber.created_at, FeedSubscriber.id)))


def revoke_subscriber(session: Session, slug: str, subscriber: str) -> FeedSubscriber:
    """Revoke one subscriber of the feed by id or visible prefix; revoking twice is a no-op."""
    query = select(FeedSubscriber).where(
        FeedSubscriber.feed_slug == slug, (FeedSubscriber.id == subscriber) | (FeedSubscriber.prefix == subscriber)
    )
    found = list(session.scalars(query))
    if len(found) != 1:
        raise NotFound(f"No subscriber {subscriber!r}" if not found else f"{subscriber!r} names several; use the id")
    if found[0].revoked_at is None:
        found[0].revoked_at = utcnow()
    return found[0]


def verify_token(session: Session, slug: str, token: str) -> FeedSubscriber:
    """The active subscriber of the feed holding `token`; NotFound for any other token (revoked included)."""
    record = None
    if token.startswith(TOKEN_PREFIX):
        record = session.scalar(select(FeedSubscriber).where(FeedSubscriber.token_hash == hash_token(token)))
    if record is None or record.feed_slug != slug or record.revoked_at is not None:
        raise NotFound(f"No feed {slug!r}")
    now = utcnow()
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        record.last_used_at = now
        session.commit()
    return record
