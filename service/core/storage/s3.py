"""The `s3:` backend: content-addressed objects in an S3 bucket (AWS S3, SeaweedFS, MinIO, R2, ...).

`s3://bucket/prefix` stores `<sha256>.<ext>` as `prefix/<sha256>.<ext>`.
Every object is written with its content type, `Cache-Control: public,
max-age=31536000, immutable` and an inline content disposition, so the
bucket (or a CDN in front of it) serves it as the API would. Clients are sent
to the object itself: the media base URL when one is set (a public bucket or
CDN), else a presigned URL.

How to reach the bucket (options, client, creating it) is in s3_client.py.
"""

from __future__ import annotations

import hashlib
import io
import logging
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from service.core.storage.base import (
    CHUNK,
    IMMUTABLE,
    ObjectNotFound,
    ObjectStat,
    StoredObject,
    check_ext,
    check_key,
    clamp_range,
    content_disposition,
    content_type,
    is_valid_key,
    key_for,
    public_url,
)
from service.core.storage.s3_client import (
    NOT_FOUND,
    S3Options,
    create_bucket,
    error_code,
    make_client,
    parse_s3_url,
)

__all__ = ["S3Options", "S3Storage", "parse_s3_url"]

log = logging.getLogger(__name__)

# Objects above this go up in parts of this size (and in parallel): S3 caps a single PUT at 5 GB,
# and a failed part is retried alone.
MULTIPART_BYTES = 8 << 20
SPOOL_BYTES = 8 << 20
READ_CHUNK = 256 * 1024


class S3Storage:
    """Content-addressed objects under one prefix of one bucket."""

    remote = True

    def __init__(self, url: str, options: S3Options | None = None, *, media_base_url: str = "") -> None:
        self.bucket, self.prefix = parse_s3_url(url)
        self._options = options or S3Options()
        self._media_base_url = media_base_url
        self._client = make_client(self._options)
        self._bucket_ready = False
        self._lock = threading.Lock()
        self._transfer = TransferConfig(
            multipart_threshold=MULTIPART_BYTES, multipart_chunksize=MULTIPART_BYTES, max_concurrency=4
        )

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _name(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _extra(self, key: str, digest: str) -> dict[str, Any]:
        return {
            "ContentType": content_type(key),
            "CacheControl": IMMUTABLE,
            "ContentDisposition": content_disposition(key),
            "Metadata": {"sha256": digest},
        }

    # -- the bucket

    def _ensure_bucket(self) -> None:
        """Create the bucket on first write when it is missing (and allowed)."""
        if self._bucket_ready:
            return
        with self._lock:
            if self._bucket_ready:
                return
            try:
                self._client.head_bucket(Bucket=self.bucket)
            except ClientError as exc:
                if error_code(exc) not in (*NOT_FOUND, "NoSuchBucket") or not self._options.create_bucket:
                    raise
                create_bucket(self._client, self.bucket)
            self._bucket_ready = True

    # -- writing

    def put_bytes(self, data: bytes, ext: str) -> StoredObject:
        digest = hashlib.sha256(data).hexdigest()
        key = key_for(digest, ext)
        self._ensure_bucket()
        # Small objects go up in one PUT: the same bytes under the same name again are harmless.
        if len(data) > MULTIPART_BYTES:
            if not self._has(key):
                self._client.upload_fileobj(
                    io.BytesIO(data),
                    self.bucket,
                    self._name(key),
                    ExtraArgs=self._extra(key, digest),
                    Config=self._transfer,
                )
        else:
            self._client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data, **self._extra(key, digest))
        return StoredObject(key=key, sha256=digest, size=len(data))

    def put_file(self, path: Path, ext: str) -> StoredObject:
        """Hash the caller's file, then upload it (in parts when large) unless it is stored already."""
        check_ext(ext)
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        key = key_for(digest.hexdigest(), ext)
        self._ensure_bucket()
        if not self._has(key):
            self._client.upload_file(
                str(path),
                self.bucket,
                self._name(key),
                ExtraArgs=self._extra(key, digest.hexdigest()),
                Config=self._transfer,
            )
        return StoredObject(key=key, sha256=digest.hexdigest(), size=size)

    def put_stream(self, stream: BinaryIO, ext: str) -> StoredObject:
        """The key is the digest of everything read, so the stream is spooled (to disk past 8 MB) first."""
        check_ext(ext)
        digest, size = hashlib.sha256(), 0
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, prefix="narrator-put-") as spool:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                spool.write(chunk)
            key = key_for(digest.hexdigest(), ext)
            self._ensure_bucket()
            if not self._has(key):
                spool.seek(0)
                self._client.upload_fileobj(
                    spool,
                    self.bucket,
                    self._name(key),
                    ExtraArgs=self._extra(key, digest.hexdigest()),
                    Config=self._transfer,
                )
        return StoredObject(key=key, sha256=digest.hexdigest(), size=size)

    # -- reading

    def get_bytes(self, key: str) -> bytes:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            raise _missing(exc, key) from None
        with response["Body"] as body:
            data: bytes = body.read()
        return data

    def open_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        name = self._name(key)
        if end is not None and end <= start:
            clamp_range(0, start, end)  # raises for end < start
            return iter(())
        args: dict[str, Any] = {"Bucket": self.bucket, "Key": name}
        if start or end is not None:
            args["Range"] = f"bytes={start}-{'' if end is None else end - 1}"
        try:
            response = self._client.get_object(**args)
        except ClientError as exc:
            if error_code(exc) == "InvalidRange":  # starts at or past the end: nothing to read
                self.stat(key)  # still ObjectNotFound for a missing object
                return iter(())
            raise _missing(exc, key) from None
        return _chunks(response["Body"])

    def stat(self, key: str) -> ObjectStat:
        try:
            head = self._client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            raise _missing(exc, key) from None
        return ObjectStat(key=key, size=int(head["ContentLength"]), modified=head["LastModified"].timestamp())

    def size(self, key: str) -> int:
        return self.stat(key).size

    def _has(self, key: str) -> bool:
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    def exists(self, key: str) -> bool:
        return is_valid_key(key) and self._has(key)

    def delete(self, key: str) -> None:
        if is_valid_key(key):
            self._client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def url(self, key: str, *, expires_s: int | None = None, private: bool = False) -> str | None:
        if self._media_base_url and not private:
            return public_url(self._media_base_url, check_key(key))
        return str(
            self._client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": self._name(key)},
                ExpiresIn=expires_s or self._options.presign_expires_s,
            )
        )

    def keys(self) -> Iterator[str]:
        prefix = f"{self.prefix}/" if self.prefix else ""
        pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                name = item["Key"][len(prefix) :]
                if is_valid_key(name):
                    yield name

    def check(self) -> None:
        """The bucket answers (created if missing and allowed)."""
        self._bucket_ready = False
        self._ensure_bucket()


def _missing(exc: ClientError, key: str) -> Exception:
    return ObjectNotFound(key) if error_code(exc) in NOT_FOUND else exc


def _chunks(body: Any) -> Iterator[bytes]:
    with body:
        yield from body.iter_chunks(READ_CHUNK)
