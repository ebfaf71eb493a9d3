"""Reaching an S3 bucket: options, the boto3 client, error codes, creating the bucket.

boto3 reads the usual AWS settings (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_REGION, profiles, instance roles); the options
given here (NARRATOR_S3_*) win over them.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

log = logging.getLogger(__name__)

NOT_FOUND = ("404", "NoSuchKey", "NotFound")


@dataclass(frozen=True)
class S3Options:
    """How to reach the bucket; empty fields fall back to boto3's own configuration (AWS_* variables)."""

    endpoint_url: str = ""
    region: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""
    presign_expires_s: int = 43200
    create_bucket: bool = True


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` -> ("bucket", "some/prefix")."""
    rest = url.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise ValueError(f"storage URL {url!r} names no bucket (s3://bucket/prefix)")
    return bucket, prefix.strip("/")


def make_client(options: S3Options) -> Any:
    """An S3 client from `options`, else from the AWS_* variables boto3 reads."""
    endpoint = options.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    region = options.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    config = Config(
        signature_version="s3v4",
        # A self-hosted endpoint (SeaweedFS, MinIO) has no per-bucket host names.
        s3={"addressing_style": "path" if endpoint else "auto"},
        retries={"max_attempts": 5, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=20,
    )
    credentials = {}
    if options.access_key_id:
        credentials = {
            "aws_access_key_id": options.access_key_id,
            "aws_secret_access_key": options.secret_access_key,
        }
    with _SESSION_LOCK:  # a boto3 session is not thread-safe; one per process keeps the API models loaded once
        global _SESSION  # noqa: PLW0603
        if _SESSION is None or _SESSION[0] != os.getpid():
            _SESSION = (os.getpid(), boto3.session.Session())
        return _SESSION[1].client("s3", endpoint_url=endpoint or None, region_name=region, config=config, **credentials)


_SESSION: tuple[int, Any] | None = None
_SESSION_LOCK = threading.Lock()


def error_code(exc: ClientError) -> str:
    """The S3 error code of a failed call (`NoSuchKey`, `404`, ...)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def create_bucket(client: Any, bucket: str) -> None:
    """Create `bucket` (in the client's region), readable across origins."""
    region = client.meta.region_name
    args: dict[str, Any] = {"Bucket": bucket}
    if region and region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        client.create_bucket(**args)
    except ClientError as exc:
        if error_code(exc) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    log.info("created bucket %s", bucket)
    try:
        # Players on other sites read captions and marks from the bucket.
        client.put_bucket_cors(
            Bucket=bucket,
            CORSConfiguration={
                "CORSRules": [
                    {
                        "AllowedMethods": ["GET", "HEAD"],
                        "AllowedOrigins": ["*"],
                        "AllowedHeaders": ["*"],
                        "ExposeHeaders": ["Content-Length", "Content-Range", "ETag", "Accept-Ranges"],
                        "MaxAgeSeconds": 86400,
                    }
                ]
            },
        )
    except ClientError as exc:  # not every S3 server has CORS configuration
        log.warning("bucket %s: CORS not set (%s)", bucket, error_code(exc))
