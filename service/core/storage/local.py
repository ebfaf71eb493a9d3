"""The `file:` backend: content-addressed files in one local directory.

Writes are atomic: a temporary file in the same directory, fsync, then
rename, so a reader never sees a half-written file even if the writer dies.
The API serves these files itself (/media), reading them through this class.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from service.core.storage.base import (
    CHUNK,
    ObjectNotFound,
    ObjectStat,
    StoredObject,
    check_ext,
    check_key,
    clamp_range,
    is_valid_key,
    key_for,
    public_url,
)

INCOMING = ".incoming-"
READ_CHUNK = 256 * 1024


class LocalStorage:
    """Content-addressed files in one local directory."""

    remote = False

    def __init__(self, root: Path, *, media_base_url: str = "") -> None:
        self._root = root
        self._media_base_url = media_base_url
        self._root.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self._root)!r})"

    def _file(self, key: str) -> Path:
        return self._root / check_key(key)

    # -- writing

    def put_bytes(self, data: bytes, ext: str) -> StoredObject:
        check_ext(ext)
        tmp = self._incoming()
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        return self._adopt(tmp, hashlib.sha256(data).hexdigest(), len(data), ext)

    def put_file(self, path: Path, ext: str) -> StoredObject:
        """Store a copy of `path` (the caller keeps and removes its own file)."""
        with path.open("rb") as src:
            return self.put_stream(src, ext)

    def put_stream(self, stream: BinaryIO, ext: str) -> StoredObject:
        check_ext(ext)
        tmp = self._incoming()
        digest, size = hashlib.sha256(), 0
        try:
            with tmp.open("wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return self._adopt(tmp, digest.hexdigest(), size, ext)

    def _incoming(self) -> Path:
        try:
            fd, name = tempfile.mkstemp(dir=self._root, prefix=INCOMING)
        except FileNotFoundError:  # the directory was removed under us: make it again
            self._root.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=self._root, prefix=INCOMING)
        os.close(fd)
        return Path(name)

    def _adopt(self, tmp: Path, digest: str, size: int, ext: str) -> StoredObject:
        key = key_for(digest, ext)
        try:
            os.chmod(tmp, 0o644)
            # Same content -> same name, so replacing an existing file is harmless.
            os.replace(tmp, self._root / key)
        finally:
            tmp.unlink(missing_ok=True)
        return StoredObject(key=key, sha256=digest, size=size)

    # -- reading

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._file(key).read_bytes()
        except FileNotFoundError:
            raise ObjectNotFound(key) from None

    def open_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        path = self._file(key)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ObjectNotFound(key) from None
        begin, stop = clamp_range(size, start, end)
        # The file is opened when the first chunk is read: a response dropped unread (HEAD) holds no file.
        return _read_chunks(path, begin, stop - begin)

    def stat(self, key: str) -> ObjectStat:
        try:
            st = self._file(key).stat()
        except FileNotFoundError:
            raise ObjectNotFound(key) from None
        return ObjectStat(key=key, size=st.st_size, modified=st.st_mtime)

    def size(self, key: str) -> int:
        return self.stat(key).size

    def exists(self, key: str) -> bool:
        return is_valid_key(key) and (self._root / key).is_file()

    def delete(self, key: str) -> None:
        if is_valid_key(key):
            (self._root / key).unlink(missing_ok=True)

    def url(self, key: str, *, expires_s: int | None = None, private: bool = False) -> str | None:
        check_key(key)
        return public_url(self._media_base_url, key) if self._media_base_url and not private else None

    def keys(self) -> Iterator[str]:
        with os.scandir(self._root) as entries:
            for entry in entries:
                if is_valid_key(entry.name) and entry.is_file():
                    yield entry.name

    def check(self) -> None:
        """Raise if the directory cannot be written (readiness probe)."""
        probe = self._root / ".readyz"
        probe.write_bytes(b"ok")
        probe.unlink()


def _read_chunks(path: Path, begin: int, remaining: int) -> Iterator[bytes]:
    with path.open("rb") as fh:
        fh.seek(begin)
        while remaining > 0:
            chunk = fh.read(min(READ_CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk
