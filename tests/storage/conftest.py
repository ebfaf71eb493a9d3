"""Each storage test runs on every backend: a local directory and a real S3 server (SeaweedFS)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.core.storage import Storage, open_storage
from tests.s3server import S3Server

BUCKET = "narrator-tests"


def s3_options(server: S3Server, **overrides: Any) -> Any:
    from service.core.storage.s3 import S3Options

    return S3Options(
        endpoint_url=server.endpoint_url,
        region=server.region,
        access_key_id=server.access_key_id,
        secret_access_key=server.secret_access_key,
        **overrides,
    )


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_storage(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Callable[..., Storage]:
    """Makes a fresh, empty storage of the backend under test."""

    def make(media_base_url: str = "") -> Storage:
        if backend == "local":
            return open_storage(f"file://{tmp_path / 'media'}", media_base_url=media_base_url)
        server: S3Server = request.getfixturevalue("s3_server")
        # One bucket for the suite, a prefix of its own for each storage: every test starts empty.
        url = f"s3://{BUCKET}/t-{uuid.uuid4().hex[:12]}"
        return open_storage(url, media_base_url=media_base_url, s3=s3_options(server))

    return make


@pytest.fixture
def storage(make_storage: Callable[..., Storage]) -> Storage:
    return make_storage()
