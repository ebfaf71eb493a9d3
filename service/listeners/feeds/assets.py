"""A feed's own files: intro and outro audio (WAV/FLAC, at most a minute) and cover art (PNG/JPEG).

Each is checked, stored content-addressed, and used for every narration in
the feed from then on: intro and outro mixed in (crossfaded and matched in
loudness), the cover embedded in the MP3's ID3 tag. The API
(`PUT /v1/feeds/{slug}/{asset}`) and the console's feed page both store them here.
A private feed's files are private like its episodes (service/articles/privacy.py):
they are handed out at signed URLs (`asset_url`).
"""

from __future__ import annotations

import io
from typing import Literal

import soundfile as sf
from sqlalchemy.orm import Session

from service.core.errors import InvalidAsset
from service.core.models import Feed
from service.core.settings import Settings
from service.core.storage import Storage
from service.listeners.feeds.episodes import feed_links
from service.listeners.feeds.records import get_feed

Asset = Literal["intro", "outro", "cover"]
ASSETS: tuple[Asset, ...] = ("intro", "outro", "cover")
MAX_ASSET_BYTES = 20_000_000
MAX_JINGLE_S = 60.0


def audio_ext(data: bytes) -> str:
    """Check an intro/outro: WAV or FLAC, at most a minute; returns its extension."""
    try:
        info = sf.info(io.BytesIO(data))
    except Exception as exc:
        raise InvalidAsset(f"not a WAV or FLAC file: {exc}") from exc
    if info.format not in ("WAV", "FLAC"):
        raise InvalidAsset(f"intro and outro must be WAV or FLAC, not {info.format}")
    if info.duration > MAX_JINGLE_S:
        raise InvalidAsset(
            f"intro and outro may last at most {MAX_JINGLE_S:.0f} s, this one lasts {info.duration:.0f} s"
        )
    return "wav" if info.format == "WAV" else "flac"


def image_ext(data: bytes) -> str:
    """Check a cover: PNG or JPEG by its signature; returns its extension."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    raise InvalidAsset("the cover must be a PNG or JPEG image")


def check_asset(asset: Asset, data: bytes) -> str:
    """Check a file for `asset`; its extension, or InvalidAsset saying what is wrong."""
    if not data or len(data) > MAX_ASSET_BYTES:
        raise InvalidAsset(f"send the file (1 byte to {MAX_ASSET_BYTES} bytes)")
    return image_ext(data) if asset == "cover" else audio_ext(data)


def asset_key(feed: Feed, asset: Asset) -> str | None:
    """The storage key of the feed's intro, outro or cover (None: it has none)."""
    key: str | None = getattr(feed, f"{asset}_key")
    return key


def asset_url(settings: Settings, feed: Feed, key: str, base_url: str = "") -> str:
    """Where the feed's intro, outro or cover `key` is fetched: as its episodes are (signed in a private feed)."""
    return feed_links(settings, feed, base_url).media(key)


def store_asset(session: Session, storage: Storage, slug: str, asset: Asset, data: bytes, project: str) -> str:
    """Check and store the feed's intro, outro or cover, replacing the previous one; its storage key.

    The caller commits. With S3 storage this is a network call: async callers run it in a thread.
    """
    feed = get_feed(session, slug, project)
    stored = storage.put_bytes(data, check_asset(asset, data))
    setattr(feed, f"{asset}_key", stored.key)
    session.flush()
    return stored.key


def clear_asset(session: Session, slug: str, asset: Asset, project: str) -> None:
    """Stop using the feed's intro, outro or cover (the stored file stays for narrations that used it)."""
    setattr(get_feed(session, slug, project), f"{asset}_key", None)
    session.flush()
