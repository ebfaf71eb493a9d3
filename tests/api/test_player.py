"""The embeddable player over HTTP: the iframe page, the script, and what it reads cross-origin."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import open_storage

ORIGIN = {"origin": "https://publisher.example"}
MARKS = [{"time_ms": 0, "type": "sentence", "start": 0, "end": 5, "value": "Title"}]


def finished(client: TestClient, settings: Settings, title: str = "A <b>bold</b> title") -> tuple[str, dict[str, str]]:
    """An article with a done narration that has audio, captions and marks; returns (id, stored keys)."""
    article = client.post("/v1/articles", json={"title": title, "text": "One. Two."}).json()
    storage = open_storage(settings.storage_url)
    keys = {
        "audio": storage.put_bytes(b"\xff\xfb" * 600, "mp3").key,
        "captions": storage.put_bytes(b"WEBVTT\n", "vtt").key,
        "marks": storage.put_bytes(json.dumps(MARKS).encode(), "json").key,
    }
    with session_scope(settings.database_url) as session:
        records.finish_narration(
            session,
            article["latest_narration"]["id"],
            records.FinishedAudio(
                keys["audio"][:64], keys["audio"], 1200, 2.0, captions_key=keys["captions"], marks_key=keys["marks"]
            ),
        )
    return article["id"], keys


def test_page_embeds_the_player_for_the_article(client: TestClient, settings: Settings) -> None:
    article_id, _ = finished(client, settings)
    response = client.get(f"/player/{article_id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f'<narrator-player article="{article_id}"' in response.text
    assert '<script src="/player.js" defer></script>' in response.text
    assert "A &lt;b&gt;bold&lt;/b&gt; title" in response.text  # escaped, never markup


def test_page_may_be_framed_by_any_site_and_sets_no_cookie(client: TestClient, settings: Settings) -> None:
    article_id, _ = finished(client, settings)
    response = client.get(f"/player/{article_id}")
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert "set-cookie" not in response.headers


def test_page_of_unknown_article_is_404(client: TestClient) -> None:
    assert client.get("/player/nope").status_code == 404


def test_script_is_javascript_and_cacheable(client: TestClient) -> None:
    response = client.get("/player.js", headers=ORIGIN)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    assert "max-age" in response.headers["cache-control"]
    assert "customElements.define(TAG, NarratorPlayer)" in response.text


def test_page_stylesheet_is_served(client: TestClient) -> None:
    response = client.get("/static/player.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")


def test_article_json_carries_the_timing_file_urls(client: TestClient, settings: Settings) -> None:
    article_id, keys = finished(client, settings)
    body = client.get(f"/v1/articles/{article_id}").json()
    assert body["audio_url"] == f"/v1/articles/{article_id}/audio.mp3"
    assert body["captions_url"] == f"/media/{keys['captions']}"
    assert body["marks_url"] == f"/media/{keys['marks']}"
    assert body["chapters_url"] is None
    assert body["current_narration"]["marks_url"] == f"/media/{keys['marks']}"


def test_article_json_is_readable_from_the_publishers_page(client: TestClient, settings: Settings) -> None:
    article_id, keys = finished(client, settings)
    response = client.get(f"/v1/articles/{article_id}", headers=ORIGIN)
    assert response.headers["access-control-allow-origin"] == "*"
    marks = client.get(f"/media/{keys['marks']}", headers=ORIGIN)
    assert marks.headers["access-control-allow-origin"] == "*"
    assert marks.json() == MARKS


def test_cors_is_not_opened_for_the_rest_of_the_api(client: TestClient, settings: Settings) -> None:
    _, keys = finished(client, settings)
    created = client.post("/v1/articles", json={"text": "Another."}, headers=ORIGIN)
    assert "access-control-allow-origin" not in created.headers
    audio = client.get(f"/media/{keys['audio']}", headers=ORIGIN)
    assert "access-control-allow-origin" not in audio.headers
