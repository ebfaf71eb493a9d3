"""Private audio with S3 storage (SeaweedFS): a signed URL is redirected to a presigned URL that ends with it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.api.app import create_app
from service.api.deps import get_queue
from service.core.settings import Settings
from service.core.signing import signer_for
from service.core.storage import storage_for
from tests.api.conftest import RecordingQueue
from tests.api.test_feeds import FEED, narrate
from tests.api.test_media_s3 import s3_settings
from tests.api.test_private_audio import private_article
from tests.s3server import S3Server

OLD_SECRET = "old-secret-" + "o" * 32
NEW_SECRET = "new-secret-" + "n" * 32


def client_for(settings: Settings) -> TestClient:
    app = create_app(settings)
    app.dependency_overrides[get_queue] = RecordingQueue
    return TestClient(app)


@pytest.fixture
def settings(tmp_path: Path, s3_server: S3Server) -> Settings:
    return s3_settings(tmp_path, s3_server, media_signing_secrets=[SecretStr(OLD_SECRET)])


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with client_for(settings) as test_client:
        yield test_client


def presigned(client: TestClient, url: str) -> str:
    response = client.get(url, follow_redirects=False)
    assert response.status_code == 307, response.text
    location = response.headers["location"]
    assert "X-Amz-Signature=" in location
    return location


def test_a_signed_url_goes_to_a_presigned_url_that_plays_with_range(client: TestClient, settings: Settings) -> None:
    story = private_article(client, settings)
    article = client.get(f"/v1/articles/{story.article_id}").json()
    media = client.get(article["audio_url"], follow_redirects=False).headers["location"]
    assert media.startswith(f"{settings.s3_endpoint_url}/narrator-tests/") and "X-Amz-Signature=" in media
    audio = storage_for(settings).get_bytes(story.audio_key)
    assert httpx.get(media).content == audio
    part = httpx.get(media, headers={"range": "bytes=10-41"})
    assert part.status_code == 206 and part.content == audio[10:42]
    # The presigned URL ends when the signature does.
    signed_until = int(parse_qs(urlsplit(article["audio_url"]).query)["expires"][0])
    lasts = int(parse_qs(urlsplit(media).query)["X-Amz-Expires"][0])
    assert abs(time.time() + lasts - signed_until) <= 5


def test_the_public_url_of_a_private_file_is_refused(client: TestClient, settings: Settings) -> None:
    story = private_article(client, settings)
    response = client.get(f"/media/{story.audio_key}", follow_redirects=False)
    assert response.status_code == 403 and response.json()["code"] == "signature_invalid"


def test_after_expiry_and_with_a_changed_byte_it_is_refused(client: TestClient, settings: Settings) -> None:
    story = private_article(client, settings)
    signer = signer_for(settings)
    url = signer.sign(f"/media/{story.audio_key}", int(time.time()) + 60)
    assert httpx.get(presigned(client, url)).status_code == 200
    changed = url[:-1] + ("A" if url[-1] != "A" else "B")
    assert client.get(changed, follow_redirects=False).json()["code"] == "signature_invalid"
    expired = signer.sign(f"/media/{story.audio_key}", int(time.time()) - 1)
    assert client.get(expired, follow_redirects=False).json()["code"] == "signature_expired"


def test_a_rotated_secret_still_verifies_until_it_is_removed(client: TestClient, settings: Settings) -> None:
    story = private_article(client, settings)
    url = client.get(f"/v1/articles/{story.article_id}").json()["marks_url"]
    rotated = settings.model_copy(update={"media_signing_secrets": [SecretStr(NEW_SECRET), SecretStr(OLD_SECRET)]})
    with client_for(rotated) as other:
        assert httpx.get(presigned(other, url)).status_code == 200
    retired = settings.model_copy(update={"media_signing_secrets": [SecretStr(NEW_SECRET)]})
    with client_for(retired) as other:
        assert other.get(url, follow_redirects=False).json()["code"] == "signature_invalid"


def test_a_private_file_never_goes_to_the_public_media_base_url(tmp_path: Path, s3_server: S3Server) -> None:
    """The media base URL is public (a CDN, a public bucket): a private file is presigned instead."""
    settings = s3_settings(
        tmp_path, s3_server, media_base_url="https://cdn.example/audio", media_signing_secrets=[SecretStr(OLD_SECRET)]
    )
    with client_for(settings) as client:
        story = private_article(client, settings)
        signed = client.get(f"/v1/articles/{story.article_id}").json()["audio_url"]
        location = client.get(signed, follow_redirects=False).headers["location"]
        assert location.startswith(settings.s3_endpoint_url) and "X-Amz-Signature=" in location


def test_a_revoked_subscribers_feed_is_404_and_anothers_episodes_play(client: TestClient, settings: Settings) -> None:
    assert client.post("/v1/feeds", json={**FEED, "private": True}).status_code == 201
    narrated = narrate(client, settings, "Members only")
    alice, bob = (client.post("/v1/feeds/daily/subscribers", json={"name": n}).json() for n in ("alice", "bob"))
    assert client.delete(f"/v1/feeds/daily/subscribers/{alice['prefix']}").status_code == 204
    assert client.get(urlsplit(alice["feed_url"]).path).status_code == 404
    feed = client.get(urlsplit(bob["feed_url"]).path)
    assert feed.status_code == 200
    enclosure = feedparser.parse(feed.content).entries[0].enclosures[0]
    parts = urlsplit(enclosure.href)
    audio = httpx.get(presigned(client, f"{parts.path}?{parts.query}"))
    assert audio.status_code == 200 and len(audio.content) == narrated.audio_bytes
