"""Content-addressed storage of narrated files, by key: `<sha256>.<ext>`.

`open_storage(url)` picks the backend from `NARRATOR_STORAGE_URL`:

- `file:///path` (or a plain path): a local directory (local.py), served by the API's /media;
- `s3://bucket/prefix`: an S3 bucket (s3.py); clients are redirected to the object.

Callers deal in bytes and streams by key (base.py); no file path leaves this package.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from service.core.storage.base import (
    CONTENT_TYPES,
    IMMUTABLE,
    InvalidKey,
    ObjectNotFound,
    ObjectStat,
    Storage,
    StoredObject,
    content_type,
    is_valid_key,
)
from service.core.storage.local import LocalStorage

if TYPE_CHECKING:
    from service.core.settings import Settings
    from service.core.storage.s3 import S3Options

__all__ = [
    "CONTENT_TYPES",
    "IMMUTABLE",
    "InvalidKey",
    "LocalStorage",
    "ObjectNotFound",
    "ObjectStat",
    "Storage",
    "StoredObject",
    "content_type",
    "is_valid_key",
    "open_storage",
    "storage_for",
]


def open_storage(url: str, *, media_base_url: str = "", s3: S3Options | None = None) -> Storage:
    """The storage for a `NARRATOR_STORAGE_URL`: file:///path, a plain path, or s3://bucket/prefix."""
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return LocalStorage(Path(parsed.path if parsed.scheme else url), media_base_url=media_base_url)
    if parsed.scheme == "s3":
        from service.core.storage.s3 import S3Storage  # boto3 only where it is used

        return S3Storage(url, s3, media_base_url=media_base_url)
    raise ValueError(f"unsupported storage URL scheme {parsed.scheme!r} (supported: file, s3)")


def storage_for(settings: Settings) -> Storage:
    """The configured storage, one per process and configuration (an S3 client is worth keeping)."""
    s3 = None
    if settings.storage_url.startswith("s3:"):
        from service.core.storage.s3 import S3Options

        s3 = S3Options(
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key.get_secret_value(),
            presign_expires_s=settings.s3_presign_expires_s,
            create_bucket=settings.s3_create_bucket,
        )
    return _cached(os.getpid(), settings.storage_url, settings.media_base_url, s3)


@lru_cache(maxsize=32)
def _cached(_pid: int, url: str, media_base_url: str, s3: S3Options | None) -> Storage:
    # Keyed by process too: a forked worker must not share its parent's connections.
    return open_storage(url, media_base_url=media_base_url, s3=s3)
