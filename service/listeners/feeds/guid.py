"""podcast:guid: a feed's permanent identity (Podcasting 2.0 namespace).

The spec defines it as a UUIDv5 of the feed URL with its scheme and any
trailing slashes removed, in a fixed namespace. It is computed once, when a
feed is created, and stored: it must not change if the feed later moves.
"""

from __future__ import annotations

import re
import uuid

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def normalized_feed_url(url: str) -> str:
    """The feed URL as the spec hashes it: no scheme, no trailing slashes."""
    return _SCHEME.sub("", url.strip()).rstrip("/")


def podcast_guid(feed_url: str) -> str:
    """The podcast:guid value for a feed URL."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, normalized_feed_url(feed_url)))
