"""What every storage backend promises: content-addressed objects by key, bytes in, bytes out.

A key is `<sha256>.<ext>`: the SHA-256 of the object's bytes and what it is.
The same bytes always get the same key, so an object never changes once
stored, a second put of it is harmless, and it can be served as immutable.
No backend hands out file paths: callers put and get bytes (or stream a
range), and a library that needs a file gets a temporary copy its caller owns.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

EXTENSIONS = ("mp3", "mpa", "opus", "m4a", "vtt", "json", "flac", "wav", "png", "jpg")
KEY_PATTERN = re.compile(r"^[0-9a-f]{64}\.(" + "|".join(EXTENSIONS) + r")$")
CHUNK = 1 << 20

# Stored objects never change: caches may keep them for a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "mpa": "audio/mpeg",
    # A narration's other formats (service/audio/formats.py names the same types).
    "opus": "audio/ogg; codecs=opus",
    "m4a": "audio/mp4",
    "vtt": "text/vtt; charset=utf-8",
    "json": "application/json",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "png": "image/png",
    "jpg": "image/jpeg",
}


class InvalidKey(ValueError):
    """A name that is not `<sha256>.<ext>` (it may come from a URL: never turned into a path or object name)."""


class ObjectNotFound(LookupError):
    """No object is stored under this key."""


@dataclass(frozen=True)
class StoredObject:
    """What a put stored: its key, digest and size."""

    key: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ObjectStat:
    """An object's size and when it was stored (seconds since the epoch)."""

    key: str
    size: int
    modified: float

    @property
    def sha256(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def etag(self) -> str:
        """A strong HTTP entity tag: the content's digest, the same in every backend."""
        return f'"{self.sha256}"'

    @property
    def content_type(self) -> str:
        return content_type(self.key)


class Storage(Protocol):
    """Where narrated files live: a local directory (`file:`) or an S3 bucket (`s3:`)."""

    # True when clients should fetch objects from the backend's own URL (`url`), not through the API.
    remote: bool

    def put_bytes(self, data: bytes, ext: str) -> StoredObject:
        """Store `data`; its key is its digest. Storing the same bytes again stores nothing new."""
        ...

    def put_file(self, path: Path, ext: str) -> StoredObject:
        """Store a copy of the caller's file (multipart upload when large); the caller keeps its file."""
        ...

    def put_stream(self, stream: BinaryIO, ext: str) -> StoredObject:
        """Store what `stream` reads until its end (hashed on the way, spooled to disk if large)."""
        ...

    def get_bytes(self, key: str) -> bytes:
        """The object's bytes; ObjectNotFound if none, InvalidKey for a name that is not a key."""
        ...

    def open_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """The bytes [start, end) of the object (end None: to its end) in chunks.

        The object is opened before this returns (ObjectNotFound now, not at the first chunk).
        """
        ...

    def stat(self, key: str) -> ObjectStat:
        """Size and time stored; ObjectNotFound if none."""
        ...

    def size(self, key: str) -> int: ...

    def exists(self, key: str) -> bool:
        """True if an object is stored under `key` (False for a name that is not a key)."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; nothing happens if there is none (or `key` is not a key)."""
        ...

    def url(self, key: str, *, expires_s: int | None = None, private: bool = False) -> str | None:
        """A URL where clients fetch the object without the API: the media base URL when one is set,
        else a presigned URL when the backend has them, else None (serve it through the API).

        `private`: never the media base URL (it is public); a presigned URL for `expires_s`, or None.
        """
        ...

    def keys(self) -> Iterator[str]:
        """Every stored key (in no promised order); anything else in the directory or bucket is skipped."""
        ...

    def check(self) -> None:
        """Raise if objects cannot be written and read (readiness probe)."""
        ...


def is_valid_key(key: str) -> bool:
    """True for keys this storage produces (guards names that come from URLs)."""
    return bool(KEY_PATTERN.match(key))


def check_key(key: str) -> str:
    if not is_valid_key(key):
        raise InvalidKey(f"invalid storage key {key!r}")
    return key


def check_ext(ext: str) -> str:
    if ext not in EXTENSIONS:
        raise InvalidKey(f"unsupported extension {ext!r} (one of {', '.join(EXTENSIONS)})")
    return ext


def key_for(digest: str, ext: str) -> str:
    return f"{digest}.{check_ext(ext)}"


def content_type(key: str) -> str:
    return CONTENT_TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")


def content_disposition(key: str) -> str:
    """Play in place; a download is named by the key."""
    return f'inline; filename="{key}"'


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def public_url(base: str, key: str) -> str:
    """`key` under a public base URL (a CDN or web server in front of the bucket or directory)."""
    return f"{base.rstrip('/')}/{key}"


def clamp_range(size: int, start: int, end: int | None) -> tuple[int, int]:
    """[start, end) within an object of `size` bytes."""
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"invalid byte range [{start}, {end})")
    stop = size if end is None else min(end, size)
    return min(start, stop), stop
