"""Content-addressed storage of narrated files.

Files are named by the SHA-256 of their bytes (`<sha256>.<ext>`), so a stored
file never changes and can be served as immutable. Writes are atomic: a
temporary file in the same directory, fsync, then rename, so a reader never
sees a half-written file even if the writer dies.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

KEY_PATTERN = re.compile(r"^[0-9a-f]{64}\.(mp3|mpa|vtt|json|flac|wav|png|jpg)$")
CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredObject:
    """A stored file: its key, digest and size."""

    key: str
    sha256: str
    size: int


class Storage(Protocol):
    """Where narrated files live; local disk now, an S3 bucket in production."""

    def put_bytes(self, data: bytes, ext: str) -> StoredObject: ...
    def put_file(self, path: Path, ext: str) -> StoredObject: ...
    def exists(self, key: str) -> bool: ...
    def get_bytes(self, key: str) -> bytes: ...
    def path(self, key: str) -> Path: ...
    def delete(self, key: str) -> None: ...
    def check(self) -> None: ...


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_valid_key(key: str) -> bool:
    """True for keys this storage produces (guards paths built from URLs)."""
    return bool(KEY_PATTERN.match(key))


class LocalStorage:
    """Content-addressed files in one local directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        if not is_valid_key(key):
            raise ValueError(f"invalid storage key {key!r}")
        return self.root / key

    def exists(self, key: str) -> bool:
        return is_valid_key(key) and self.path(key).is_file()

    def get_bytes(self, key: str) -> bytes:
        """A stored file's content."""
        return self.path(key).read_bytes()

    def put_bytes(self, data: bytes, ext: str) -> StoredObject:
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return self._adopt(Path(tmp), ext)

    def put_file(self, path: Path, ext: str) -> StoredObject:
        """Store a copy of `path` (the caller keeps and removes its own file)."""
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        with os.fdopen(fd, "wb") as out, path.open("rb") as src:
            while chunk := src.read(CHUNK):
                out.write(chunk)
        return self._adopt(Path(tmp), ext)

    def _adopt(self, tmp: Path, ext: str) -> StoredObject:
        try:
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            digest = sha256_file(tmp)
            key = f"{digest}.{ext}"
            size = tmp.stat().st_size
            os.chmod(tmp, 0o644)
            # Same content -> same name, so replacing an existing file is harmless.
            os.replace(tmp, self.root / key)
            return StoredObject(key=key, sha256=digest, size=size)
        finally:
            tmp.unlink(missing_ok=True)

    def delete(self, key: str) -> None:
        if is_valid_key(key):
            (self.root / key).unlink(missing_ok=True)

    def check(self) -> None:
        """Raise if the directory cannot be written (readiness probe)."""
        probe = self.root / ".readyz"
        probe.write_bytes(b"ok")
        probe.unlink()


def open_storage(url: str) -> Storage:
    """The storage for a `NARRATOR_STORAGE_URL` (file:///path or a plain path)."""
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return LocalStorage(Path(parsed.path if parsed.scheme else url))
    raise ValueError(f"unsupported storage URL scheme {parsed.scheme!r} (supported: file)")
