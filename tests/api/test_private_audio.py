"""Private audio with local storage: signed, expiring URLs for a private article's files and routes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import event, text

from service.api.app import create_app
from service.api.deps import get_queue
from service.articles import records
from service.core.db import engine_for, session_scope
from service.core.settings import Settings
from service.core.signing import signer_for
from service.core.storage import storage_for
from tests.api.conftest import RecordingQueue

OLD_SECRET = "old-secret-" + "o" * 32
NEW_SECRET = "new-secret-" + "n" * 32
PROBLEM = "application/problem+json"
AUDIO = bytes(range(256)) * 40  # 10,240 bytes standing in for an MP3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"media_signing_secrets": [SecretStr(OLD_SECRET)]})


@dataclass(frozen=True)
class Finished:
    article_id: str
    audio_key: str
    captions_key: str
    marks_key: str


def finish(settings: Settings, narration_id: str, title: str) -> Finished:
    """Finish a narration with real stored audio, captions and marks; returns their keys."""
    storage = storage_for(settings)
    audio = storage.put_bytes(AUDIO + title.encode(), "mp3")
    captions = storage.put_bytes(b"WEBVTT\n\n00:00.000 --> 00:01.000\n" + title.encode() + b"\n", "vtt")
    marks = storage.put_bytes(b'[{"title": "' + title.encode() + b'"}]', "json")
    with session_scope(settings.database_url) as session:
        narration = records.finish_narration(
            session,
            narration_id,
            records.FinishedAudio(
                audio.sha256, audio.key, audio.size, 4.2, captions_key=captions.key, marks_key=marks.key
            ),
        )
        article_id = narration.article_id
    return Finished(article_id, audio.key, captions.key, marks.key)


def private_article(client: TestClient, settings: Settings, title: str = "Paywalled story") -> Finished:
    created = client.post("/v1/articles", json={"title": title, "text": "Behind the wall.", "private": True})
    assert created.status_code == 202, created.text
    return finish(settings, created.json()["latest_narration"]["id"], title)


def refused(response: Any, code: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == code


def test_a_private_articles_urls_are_signed_and_play_with_range(client: TestClient, settings: Settings) -> None:
    story = private_article(client, settings)
    article = client.get(f"/v1/articles/{story.article_id}").json()
    assert article["private"] is True
    assert "signature=" in article["audio_url"] and "expires=" in article["audio_url"]
    redirect = client.get(article["audio_url"], follow_redirects=False)
    assert redirect.status_code == 307
    media = redirect.headers["location"]
    assert media.startswith(f"/media/{story.audio_key}?expires=")
    whole = client.get(media)
    assert whole.status_code == 200 and whole.content == AUDIO + b"Paywalled story"
    assert whole.headers["cache-control"].startswith("private, max-age=")
    part = client.get(media, headers={"range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == AUDIO[100:200]
    for name in ("captions_url", "marks_url"):
        assert client.get(article[name]).status_code == 200


def test_a_private_articles_public_urls_are_refused(client: TestClient, settings: Settings) -> None:
    story = private_article(client, settings)
    for key in (story.audio_key, story.captions_key, story.marks_key):
        refused(client.get(f"/media/{key}"), "signature_invalid")
    for route in ("audio.mp3", "live.mp3", "player.json"):
        refused(client.get(f"/v1/articles/{story.article_id}/{route}", follow_redirects=False), "signature_invalid")
    refused(client.get(f"/player/{story.article_id}"), "signature_invalid")


def test_a_signed_url_is_refused_after_its_expiry(client: TestClient, settings: Settings) -> None:
    story = private_article(client, settings)
    # The same signer, one expiry a minute ahead and one a second behind: no sleep, no timing window under load.
    signer = signer_for(settings)
    assert client.get(signer.sign(f"/media/{story.audio_key}", int(time.time()) + 60)).status_code == 200
    refused(client.get(signer.sign(f"/media/{story.audio_key}", int(time.time()) - 1)), "signature_expired")


@pytest.mark.parametrize("part", ["signature", "expires", "path"])
def test_a_changed_byte_is_refused(client: TestClient, settings: Settings, part: str) -> None:
    story = private_article(client, settings)
    other = private_article(client, settings, "Another paywalled story")
    url = client.get(f"/v1/articles/{story.article_id}").json()["marks_url"]
    assert client.get(url).status_code == 200
    path, query = url.split("?")
    expires, signature = (field.split("=", 1)[1] for field in query.split("&"))
    flipped = signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:]
    changed = {
        "signature": f"{path}?expires={expires}&signature={flipped}",
        "expires": f"{path}?expires={int(expires) + 1}&signature={signature}",
        "path": f"/media/{other.marks_key}?expires={expires}&signature={signature}",
    }[part]
    refused(client.get(changed), "signature_invalid")


def test_a_rotated_secret_still_verifies_until_it_is_removed(
    client: TestClient, settings: Settings, queue: RecordingQueue
) -> None:
    story = private_article(client, settings)
    url = client.get(f"/v1/articles/{story.article_id}").json()["captions_url"]
    with app_client(settings, queue, NEW_SECRET, OLD_SECRET) as rotated:
        assert rotated.get(url).status_code == 200
        fresh = rotated.get(f"/v1/articles/{story.article_id}").json()["captions_url"]
        assert fresh != url and rotated.get(fresh).status_code == 200  # signed with the new secret
    with app_client(settings, queue, NEW_SECRET) as retired:
        refused(retired.get(url), "signature_invalid")
        assert retired.get(fresh).status_code == 200


def test_the_player_of_a_private_article_hands_on_signed_urls(client: TestClient, settings: Settings) -> None:
    story = private_article(client, settings)
    article = client.get(f"/v1/articles/{story.article_id}").json()
    page = client.get(article["player_url"])
    assert page.status_code == 200
    source = page.text.split('source="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert source.startswith(f"/v1/articles/{story.article_id}/player.json?expires=")
    player = client.get(source)
    assert player.status_code == 200 and player.headers["cache-control"] == "private, no-store"
    audio = client.get(player.json()["audio_url"])  # followed: the redirect to the signed file
    assert audio.status_code == 200 and audio.content.startswith(AUDIO)
    assert client.get(article["player_json_url"]).status_code == 200


def test_a_public_article_keeps_its_plain_urls(client: TestClient, settings: Settings) -> None:
    created = client.post("/v1/articles", json={"title": "Open story", "text": "For all."}).json()
    story = finish(settings, created["latest_narration"]["id"], "Open story")
    article = client.get(f"/v1/articles/{story.article_id}").json()
    assert article["private"] is False and article["audio_url"] == f"/v1/articles/{story.article_id}/audio.mp3"
    assert article["marks_url"] == f"/media/{story.marks_key}"
    assert client.get(f"/media/{story.audio_key}").status_code == 200


def test_making_an_article_public_again_opens_its_urls(client: TestClient, settings: Settings) -> None:
    story = private_article(client, settings)
    refused(client.get(f"/media/{story.audio_key}"), "signature_invalid")
    body = {"title": "Paywalled story", "text": "Behind the wall.", "private": False}
    assert client.put(f"/v1/articles/{story.article_id}", json=body).status_code == 200
    assert client.get(f"/media/{story.audio_key}").status_code == 200


def test_an_edit_without_the_field_keeps_the_article_private(client: TestClient, settings: Settings) -> None:
    story = private_article(client, settings)
    body = {"title": "Paywalled story", "text": "Behind the wall, edited."}
    assert client.put(f"/v1/articles/{story.article_id}", json=body).status_code == 202
    refused(client.get(f"/media/{story.audio_key}"), "signature_invalid")


def test_private_needs_a_signing_secret(client: TestClient, settings: Settings, queue: RecordingQueue) -> None:
    with app_client(settings, queue) as unsigned:
        response = unsigned.post("/v1/articles", json={"text": "Secret.", "private": True})
        assert response.status_code == 409 and response.json()["code"] == "signing_not_configured"


@contextmanager
def app_client(settings: Settings, queue: RecordingQueue, *secrets: str) -> Iterator[TestClient]:
    """Another API process on the same database and files, with these signing secrets."""
    app = create_app(settings.model_copy(update={"media_signing_secrets": [SecretStr(s) for s in secrets]}))
    app.dependency_overrides[get_queue] = lambda: queue
    with TestClient(app) as other:
        yield other


def test_narrator_private_article(settings: Settings, monkeypatch: pytest.MonkeyPatch, client: TestClient) -> None:
    """`narrator private article ID` closes its public URLs; `--public` opens them again."""
    from service.core.settings import get_settings
    from workers.cli import main

    created = client.post("/v1/articles", json={"title": "Open", "text": "For now."}).json()
    story = finish(settings, created["latest_narration"]["id"], "Open")
    monkeypatch.setenv("NARRATOR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("NARRATOR_MEDIA_SIGNING_SECRETS", OLD_SECRET)
    get_settings.cache_clear()
    try:
        assert main(["private", "article", story.article_id]) == 0
        refused(client.get(f"/media/{story.audio_key}"), "signature_invalid")
        assert client.get(client.get(f"/v1/articles/{story.article_id}").json()["marks_url"]).status_code == 200
        assert main(["private", "article", story.article_id, "--public"]) == 0
        assert client.get(f"/media/{story.audio_key}").status_code == 200
    finally:
        get_settings.cache_clear()


def test_a_private_narrations_json_and_webhook_event_carry_signed_urls(client: TestClient, settings: Settings) -> None:
    from workers.webhooks import narration_event

    story = private_article(client, settings)
    narration_id = client.get(f"/v1/articles/{story.article_id}").json()["current_narration"]["id"]
    narration = client.get(f"/v1/narrations/{narration_id}").json()
    assert narration["audio_url"].startswith(f"/media/{story.audio_key}?expires=")
    assert client.get(narration["audio_url"]).status_code == 200
    event = narration_event(settings, narration_id)
    assert event is not None
    assert client.get(event[0].data["captions_url"]).status_code == 200


def public_article(client: TestClient, settings: Settings) -> Finished:
    created = client.post("/v1/articles", json={"title": "Open story", "text": "For all."}).json()
    return finish(settings, created["latest_narration"]["id"], "Open story")


@contextmanager
def statements(settings: Settings) -> Iterator[list[str]]:
    """Every SQL statement the app sends to its database meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = engine_for(settings.database_url)
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_listeners_repeated_requests_for_a_public_file_look_up_its_privacy_once(
    client: TestClient, settings: Settings
) -> None:
    """A player or podcast app fetches one file range by range: only the first request asks the database."""
    story = public_article(client, settings)
    per_request = []
    with statements(settings) as seen:
        for start in range(0, 4000, 1000):
            before = len(seen)
            ranged = client.get(f"/media/{story.audio_key}", headers={"range": f"bytes={start}-{start + 999}"})
            assert ranged.status_code == 206 and ranged.content == AUDIO[start : start + 1000]
            per_request.append(len(seen) - before)
    assert per_request[0] >= 1 and per_request[1:] == [0, 0, 0]


def test_an_article_made_private_is_refused_unsigned_at_once_though_just_served(
    client: TestClient, settings: Settings
) -> None:
    story = public_article(client, settings)
    assert client.get(f"/media/{story.audio_key}").status_code == 200  # remembered as public
    body = {"title": "Open story", "text": "For all.", "private": True}
    assert client.put(f"/v1/articles/{story.article_id}", json=body).status_code == 200
    refused(client.get(f"/media/{story.audio_key}"), "signature_invalid")


def test_a_privacy_change_made_by_another_process_is_seen_within_the_memo_time(
    settings: Settings, queue: RecordingQueue
) -> None:
    """A change this process did not commit (the CLI elsewhere, another API worker) reaches it within the memo time."""
    memo_s = 0.5
    with app_client(settings.model_copy(update={"media_privacy_memo_s": memo_s}), queue, OLD_SECRET) as client:
        story = public_article(client, settings)
        assert client.get(f"/media/{story.audio_key}").status_code == 200
        with engine_for(settings.database_url).begin() as connection:  # not through this process's records
            connection.execute(text("UPDATE articles SET private = true WHERE id = :id"), {"id": story.article_id})
        time.sleep(memo_s)
        refused(client.get(f"/media/{story.audio_key}"), "signature_invalid")
