"""With S3 storage the API does not carry audio: it sends listeners to the bucket (presigned or the media base URL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.api.app import create_app
from service.api.deps import get_queue
from service.core.settings import Settings
from service.core.storage import storage_for
from tests.api.conftest import RecordingQueue
from tests.api.test_feeds import FEED, narrate
from tests.s3server import S3Server


def s3_settings(tmp_path: Path, server: S3Server, **extra: object) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        storage_url=f"s3://narrator-tests/api-{uuid.uuid4().hex[:8]}",
        s3_endpoint_url=server.endpoint_url,
        s3_access_key_id=server.access_key_id,
        s3_secret_access_key=SecretStr(server.secret_access_key),
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def settings(tmp_path: Path, s3_server: S3Server) -> Settings:
    return s3_settings(tmp_path, s3_server)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    app.dependency_overrides[get_queue] = RecordingQueue
    with TestClient(app) as test_client:
        yield test_client


def test_readyz_checks_the_bucket(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["storage"] == "ok"


def test_audio_redirects_to_a_presigned_url_that_serves_ranges(client: TestClient, settings: Settings) -> None:
    narrated = narrate(client, settings, "Bridge reopens", feed="desk")
    response = client.get(f"/v1/articles/{narrated.article_id}/audio.mp3", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["cache-control"] == "no-cache"
    location = response.headers["location"]
    assert location.startswith(f"{settings.s3_endpoint_url}/narrator-tests/") and "X-Amz-Signature=" in location
    audio = storage_for(settings).get_bytes(narrated.audio_key)
    whole = httpx.get(location)
    assert whole.status_code == 200 and whole.content == audio
    assert whole.headers["content-type"] == "audio/mpeg"
    assert whole.headers["cache-control"] == "public, max-age=31536000, immutable"
    part = httpx.get(location, headers={"range": "bytes=10-41"})
    assert part.status_code == 206 and part.content == audio[10:42]
    assert part.headers["content-range"] == f"bytes 10-41/{len(audio)}"


def test_media_urls_redirect_to_the_bucket(client: TestClient, settings: Settings) -> None:
    narrated = narrate(client, settings, "Tide tables", feed="desk")
    for method in ("GET", "HEAD"):
        response = client.request(method, f"/media/{narrated.audio_key}", follow_redirects=False)
        assert response.status_code == 307
        assert "X-Amz-Signature=" in response.headers["location"]
    followed = httpx.get(client.get(f"/media/{narrated.audio_key}", follow_redirects=False).headers["location"])
    assert len(followed.content) == narrated.audio_bytes
    assert client.get("/media/narrator.db", follow_redirects=False).status_code == 404


def test_a_media_base_url_is_where_listeners_and_feeds_go(tmp_path: Path, s3_server: S3Server) -> None:
    """A CDN or public bucket in front of the storage: stable URLs, no signatures, exact enclosure lengths."""
    settings = s3_settings(tmp_path, s3_server, media_base_url="https://cdn.example/audio")
    app = create_app(settings)
    app.dependency_overrides[get_queue] = RecordingQueue
    with TestClient(app) as client:
        assert client.post("/v1/feeds", json=FEED).status_code == 201
        narrated = narrate(client, settings, "Harbour news")
        audio = client.get(f"/v1/articles/{narrated.article_id}/audio.mp3", follow_redirects=False)
        assert audio.headers["location"] == f"https://cdn.example/audio/{narrated.audio_key}"
        media = client.get(f"/media/{narrated.audio_key}", follow_redirects=False)
        assert media.headers["location"] == f"https://cdn.example/audio/{narrated.audio_key}"
        entry = feedparser.parse(client.get("/feeds/daily.xml").content).entries[0]
    enclosure = entry.enclosures[0]
    assert enclosure.href == f"https://cdn.example/audio/{narrated.audio_key}"
    assert int(enclosure.length) == narrated.audio_bytes == storage_for(settings).size(narrated.audio_key)


def test_redirects_of_captions_and_marks_allow_other_origins(client: TestClient, settings: Settings) -> None:
    """A player on a publisher's page fetches marks across origins: the redirect must allow it, then the bucket."""
    key = storage_for(settings).put_bytes(b"[]", "json").key
    response = client.get(f"/media/{key}", follow_redirects=False, headers={"origin": "https://paper.example"})
    assert response.status_code == 307 and response.headers["access-control-allow-origin"] == "*"
    bucket = httpx.get(response.headers["location"], headers={"origin": "https://paper.example"})
    assert bucket.status_code == 200 and bucket.headers["access-control-allow-origin"] in ("*", "https://paper.example")
