"""Serving narrated files: the 307 to the immutable URL, Range, HEAD, ETag/304."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import open_storage

AUDIO = bytes(range(256)) * 40  # 10,240 bytes standing in for an MP3


def _finished_article(client: TestClient, settings: Settings) -> tuple[str, str]:
    """An article whose narration is done with AUDIO stored; returns (article id, key)."""
    created = client.post("/v1/articles", json={"text": "Body."}).json()
    stored = open_storage(settings.storage_url).put_bytes(AUDIO, "mp3")
    with session_scope(settings.database_url) as session:
        assert isinstance(session, Session)
        records.finish_narration(
            session,
            created["latest_narration"]["id"],
            records.FinishedAudio(stored.sha256, stored.key, stored.size, 1.0),
        )
    return created["id"], stored.key


def test_audio_redirects_307_to_the_immutable_file(client: TestClient, settings: Settings) -> None:
    article_id, key = _finished_article(client, settings)
    response = client.get(f"/v1/articles/{article_id}/audio.mp3", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"/media/{key}"
    assert response.headers["cache-control"] == "no-cache"


def test_media_is_served_whole_with_immutable_caching(client: TestClient, settings: Settings) -> None:
    _, key = _finished_article(client, settings)
    response = client.get(f"/media/{key}", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.content == AUDIO
    assert response.headers["content-type"] == "audio/mpeg"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["accept-ranges"] == "bytes"
    assert "content-encoding" not in response.headers
    assert response.headers["etag"]


def test_media_range_request_answers_206_with_content_range(client: TestClient, settings: Settings) -> None:
    _, key = _finished_article(client, settings)
    response = client.get(f"/media/{key}", headers={"range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 100-199/{len(AUDIO)}"
    assert response.content == AUDIO[100:200]


def test_media_open_ended_range_answers_the_tail(client: TestClient, settings: Settings) -> None:
    _, key = _finished_article(client, settings)
    response = client.get(f"/media/{key}", headers={"range": "bytes=-24"})
    assert response.status_code == 206
    assert response.content == AUDIO[-24:]


def test_media_unsatisfiable_range_is_416(client: TestClient, settings: Settings) -> None:
    _, key = _finished_article(client, settings)
    assert client.get(f"/media/{key}", headers={"range": "bytes=99999-"}).status_code == 416


def test_media_head_has_length_and_no_body(client: TestClient, settings: Settings) -> None:
    _, key = _finished_article(client, settings)
    response = client.head(f"/media/{key}")
    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(AUDIO))
    assert response.content == b""


def test_media_if_none_match_answers_304(client: TestClient, settings: Settings) -> None:
    _, key = _finished_article(client, settings)
    etag = client.get(f"/media/{key}").headers["etag"]
    response = client.get(f"/media/{key}", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_media_names_that_are_not_keys_are_404(client: TestClient) -> None:
    assert client.get("/media/narrator.db").status_code == 404
    assert client.get("/media/" + "0" * 64 + ".mp3").status_code == 404


def test_media_etag_is_the_content_digest_and_last_modified_answers_304(client: TestClient, settings: Settings) -> None:
    _, key = _finished_article(client, settings)
    response = client.get(f"/media/{key}")
    assert response.headers["etag"] == f'"{key.split(".")[0]}"'
    since = client.get(f"/media/{key}", headers={"if-modified-since": response.headers["last-modified"]})
    assert since.status_code == 304
    assert since.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_media_if_range_with_another_etag_answers_the_whole_file(client: TestClient, settings: Settings) -> None:
    _, key = _finished_article(client, settings)
    etag = client.head(f"/media/{key}").headers["etag"]
    same = client.get(f"/media/{key}", headers={"range": "bytes=0-9", "if-range": etag})
    assert same.status_code == 206 and same.content == AUDIO[:10]
    other = client.get(f"/media/{key}", headers={"range": "bytes=0-9", "if-range": '"something-else"'})
    assert other.status_code == 200 and other.content == AUDIO


def test_media_head_of_a_range_has_its_length(client: TestClient, settings: Settings) -> None:
    _, key = _finished_article(client, settings)
    response = client.head(f"/media/{key}", headers={"range": "bytes=0-1"})
    assert response.status_code == 206
    assert response.headers["content-length"] == "2"
    assert response.headers["content-range"] == f"bytes 0-1/{len(AUDIO)}"


def test_media_ranges_it_does_not_serve_answer_the_whole_file(client: TestClient, settings: Settings) -> None:
    _, key = _finished_article(client, settings)
    for header in ("bytes=0-1,5-9", "items=0-3", "bytes=9-2"):
        response = client.get(f"/media/{key}", headers={"range": header})
        assert response.status_code == 200 and response.content == AUDIO, header


def test_media_captions_are_readable_across_origins(client: TestClient, settings: Settings) -> None:
    key = open_storage(settings.storage_url).put_bytes(b"WEBVTT\n", "vtt").key
    response = client.get(f"/media/{key}")
    assert response.headers["content-type"] == "text/vtt; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"


def test_media_with_a_media_base_url_still_serves_local_files(tmp_path, queue) -> None:  # type: ignore[no-untyped-def]
    """A CDN in front of the API pulls /media from it: local storage never redirects there."""
    from service.api.app import create_app
    from service.api.deps import get_queue

    settings = Settings(data_dir=tmp_path / "data", media_base_url="https://cdn.example/media")
    app = create_app(settings)
    app.dependency_overrides[get_queue] = lambda: queue
    with TestClient(app) as client:
        article_id, key = _finished_article(client, settings)
        assert client.get(f"/media/{key}").content == AUDIO
        audio = client.get(f"/v1/articles/{article_id}/audio.mp3", follow_redirects=False)
        assert audio.headers["location"] == f"https://cdn.example/media/{key}"
