"""PUT /v1/feeds/{slug}/intro|outro|cover: checked, stored, and shown as media."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf
from fastapi.testclient import TestClient

FEED = {
    "slug": "morning",
    "title": "Morning Briefing",
    "description": "The news at seven.",
    "language": "en",
    "author": "City Desk",
    "owner_email": "desk@example.com",
    "category": "News",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def wav(seconds: float, rate: int = 22050) -> bytes:
    buffer = io.BytesIO()
    tone = 0.2 * np.sin(2 * np.pi * 440 * np.arange(int(seconds * rate)) / rate)
    sf.write(buffer, tone.astype(np.float32), rate, format="WAV")
    return buffer.getvalue()


def _feed(client: TestClient) -> None:
    assert client.post("/v1/feeds", json=FEED).status_code == 201


def test_an_intro_is_stored_and_served(client: TestClient) -> None:
    _feed(client)
    response = client.put("/v1/feeds/morning/intro", content=wav(1.0), headers={"content-type": "audio/wav"})
    assert response.status_code == 200
    served = client.get(response.json()["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "audio/wav"


def test_a_cover_must_be_png_or_jpeg(client: TestClient) -> None:
    _feed(client)
    assert client.put("/v1/feeds/morning/cover", content=PNG).status_code == 200
    bad = client.put("/v1/feeds/morning/cover", content=b"GIF89a....")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_asset"


def test_an_intro_that_is_not_audio_is_refused(client: TestClient) -> None:
    _feed(client)
    assert client.put("/v1/feeds/morning/intro", content=b"not audio").json()["code"] == "invalid_asset"


def test_an_intro_longer_than_a_minute_is_refused(client: TestClient) -> None:
    _feed(client)
    assert client.put("/v1/feeds/morning/outro", content=wav(61.0, 8000)).json()["code"] == "invalid_asset"


def test_assets_of_an_unknown_feed_are_404(client: TestClient) -> None:
    assert client.put("/v1/feeds/nope/intro", content=wav(1.0)).json()["code"] == "not_found"


def test_an_intro_over_the_global_body_limit_is_taken_up_to_the_route_limit(client: TestClient) -> None:
    _feed(client)
    big = wav(50.0, 22050)  # about 4.4 MB: over the 2 MB global limit, under the route's 20 MB
    assert len(big) > 2_000_000
    response = client.put("/v1/feeds/morning/intro", content=big, headers={"content-type": "audio/wav"})
    assert response.status_code == 200, response.text


def test_a_body_over_the_route_limit_is_413(client: TestClient) -> None:
    _feed(client)
    response = client.put("/v1/feeds/morning/intro", content=b"\0" * 20_000_001)
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


def test_other_routes_keep_the_global_limit(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"text": "x" * 2_000_001})
    assert response.status_code == 413
