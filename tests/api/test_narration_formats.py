"""Narration formats over HTTP: asking for them, the files a narration lists, /media serving them, privacy, deletion.

The narration is finished as a worker would finish it, with real Opus and AAC
files encoded by the codecs the assembly uses (tests/workers/test_narration_formats.py
narrates them for real).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.articles import records
from service.audio.codecs import CodecStream
from service.audio.formats import AAC, OPUS, NarrationFormat
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import StoredObject, storage_for

PROBLEM = "application/problem+json"
SECRET = "formats-secret-" + "f" * 32
RATE = 44100


def encoded(fmt: NarrationFormat, directory: Path) -> bytes:
    """One second of a tone in `fmt`, encoded as the assembly encodes a narration."""
    assert fmt.codec is not None
    path = directory / f"tone.{fmt.extension}"
    stream = CodecStream(fmt.codec, path)
    stream.start(RATE)
    stream.encode((0.2 * np.sin(np.arange(RATE) * 2 * np.pi * 330 / RATE)).astype(np.float32), RATE)
    stream.finish()
    return path.read_bytes()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"media_signing_secrets": [SecretStr(SECRET)]})


def finish(settings: Settings, narration_id: str, tmp_path: Path) -> dict[str, StoredObject]:
    """Finish a narration with an MP3 and real Opus and AAC files stored; the stored objects by format."""
    storage = storage_for(settings)
    stored = {"mp3": storage.put_bytes(b"\xff\xfb" + narration_id.encode() * 64, "mp3")}
    for fmt in (OPUS, AAC):
        stored[fmt.name] = storage.put_bytes(encoded(fmt, tmp_path), fmt.extension)
    files = tuple(
        records.FormatFile(
            fmt.name, stored[fmt.name].key, fmt.media_type, stored[fmt.name].size, stored[fmt.name].sha256
        )
        for fmt in (OPUS, AAC)
    )
    mp3 = stored["mp3"]
    with session_scope(settings.database_url) as session:
        records.finish_narration(
            session, narration_id, records.FinishedAudio(mp3.sha256, mp3.key, mp3.size, 1.0, files=files)
        )
    return stored


def created(client: TestClient, **fields: object) -> dict[str, object]:
    response = client.post("/v1/articles", json={"title": "Harbour", "text": "The works begin.", **fields})
    assert response.status_code == 202, response.text
    body: dict[str, object] = response.json()
    return body


def narration_id(article: dict[str, object]) -> str:
    latest = article["latest_narration"]
    assert isinstance(latest, dict)
    return str(latest["id"])


def test_an_article_keeps_the_formats_it_asks_for_mp3_always_and_last(client: TestClient) -> None:
    assert created(client, formats=["aac", "opus"])["formats"] == ["opus", "aac", "mp3"]


def test_an_article_that_names_none_gets_the_setting(app_with: Callable[..., FastAPI]) -> None:
    with TestClient(app_with(narration_formats=["opus"])) as client:
        assert created(client)["formats"] == ["opus", "mp3"]


def test_a_bad_format_name_is_a_422_problem_with_a_code(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"text": "The works begin.", "formats": ["mp3", "ogg"]})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert problem["errors"][0]["loc"] == ["body", "formats", 1]


def test_a_done_narration_lists_each_format_with_its_url_type_and_bytes(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    article = created(client, formats=["opus", "aac"])
    stored = finish(settings, narration_id(article), tmp_path)
    listed = client.get(f"/v1/narrations/{narration_id(article)}").json()["audio_files"]
    assert listed == [
        {"format": name, "url": f"/media/{stored[name].key}", "media_type": media_type, "bytes": stored[name].size}
        for name, media_type in (("opus", "audio/ogg; codecs=opus"), ("aac", "audio/mp4"), ("mp3", "audio/mpeg"))
    ]
    current = client.get(f"/v1/articles/{article['id']}").json()["current_narration"]
    assert current["audio_files"] == listed


@pytest.mark.parametrize(("name", "content_type"), [("opus", "audio/ogg; codecs=opus"), ("aac", "audio/mp4")])
def test_media_serves_each_format_with_its_type_and_range(
    client: TestClient, settings: Settings, tmp_path: Path, name: str, content_type: str
) -> None:
    stored = finish(settings, narration_id(created(client, formats=[name])), tmp_path)[name]
    data = storage_for(settings).get_bytes(stored.key)
    whole = client.get(f"/media/{stored.key}")
    assert (whole.status_code, whole.headers["content-type"], whole.content) == (200, content_type, data)
    part = client.get(f"/media/{stored.key}", headers={"range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(data)}"


def test_changing_only_the_formats_narrates_again_and_the_same_formats_do_not(client: TestClient) -> None:
    article = created(client)
    body = {"title": "Harbour", "text": "The works begin."}
    changed = client.put(f"/v1/articles/{article['id']}", json={**body, "formats": ["opus"]})
    assert changed.status_code == 202, changed.text
    assert changed.json()["latest_narration"]["reason"] == "formats"
    assert changed.json()["formats"] == ["opus", "mp3"]
    assert client.put(f"/v1/articles/{article['id']}", json={**body, "formats": ["mp3", "opus"]}).status_code == 200
    assert client.put(f"/v1/articles/{article['id']}", json=body).json()["formats"] == ["opus", "mp3"]


def test_a_private_articles_other_formats_are_served_only_signed(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    article = created(client, formats=["opus", "aac"], private=True)
    stored = finish(settings, narration_id(article), tmp_path)
    listed = client.get(f"/v1/articles/{article['id']}").json()["current_narration"]["audio_files"]
    for entry in listed:
        assert "signature=" in entry["url"] and client.get(entry["url"]).status_code == 200
    for name in ("opus", "aac"):
        refused = client.get(f"/media/{stored[name].key}")
        assert refused.status_code == 403 and refused.json()["code"] == "signature_invalid"


def test_deleting_an_article_removes_its_other_formats(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    article = created(client, formats=["opus", "aac"])
    stored = finish(settings, narration_id(article), tmp_path)
    assert client.delete(f"/v1/articles/{article['id']}").status_code == 204
    storage = storage_for(settings)
    assert not any(storage.exists(s.key) for s in stored.values())


def test_the_players_sources_put_opus_first_and_the_mp3_last(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    article = created(client, formats=["opus", "aac"])
    stored = finish(settings, narration_id(article), tmp_path)
    player = client.get(f"/v1/articles/{article['id']}/player.json").json()
    assert player["sources"] == [
        {"url": f"/media/{stored['opus'].key}", "type": "audio/ogg; codecs=opus"},
        {"url": f"/media/{stored['aac'].key}", "type": "audio/mp4"},
        {"url": f"/v1/articles/{article['id']}/audio.mp3", "type": "audio/mpeg"},
    ]


def test_a_private_articles_player_sources_are_signed(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    article = created(client, formats=["opus"], private=True)
    finish(settings, narration_id(article), tmp_path)
    player_json_url = client.get(f"/v1/articles/{article['id']}").json()["player_json_url"]
    for source in client.get(player_json_url).json()["sources"]:
        assert "signature=" in source["url"]
        assert client.get(source["url"]).status_code == 200  # the MP3's route redirects to its signed file


def test_a_feed_offers_the_other_formats_as_alternate_enclosures(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    from lxml import etree

    from tests.api.test_feeds import FEED

    assert client.post("/v1/feeds", json=FEED).status_code == 201
    stored = finish(settings, narration_id(created(client, feed="daily", formats=["opus", "aac"])), tmp_path)
    rss = etree.fromstring(client.get("/feeds/daily.xml").content)
    ns = {"podcast": "https://podcastindex.org/namespace/1.0"}
    (item,) = rss.findall("channel/item")
    assert item.find("enclosure").attrib["type"] == "audio/mpeg"  # podcast apps without the tag get the MP3
    offered = [
        (a.attrib["type"], a.attrib["codecs"], int(a.attrib["length"]), a.find("podcast:source", ns).attrib["uri"])
        for a in item.findall("podcast:alternateEnclosure", ns)
    ]
    assert offered == [
        ("audio/ogg", "opus", stored["opus"].size, f"http://testserver/media/{stored['opus'].key}"),
        ("audio/mp4", "mp4a.40.2", stored["aac"].size, f"http://testserver/media/{stored['aac'].key}"),
    ]


def test_a_source_keeps_the_formats_its_articles_get_and_refuses_an_unknown_one(client: TestClient) -> None:
    feed = "https://paper.example/feed.xml"
    source = client.post("/v1/sources", json={"url": feed, "formats": ["aac"]})
    assert source.status_code == 201, source.text
    assert source.json()["formats"] == ["aac", "mp3"]
    refused = client.post("/v1/sources", json={"url": feed + "?other", "formats": ["wma"]})
    assert refused.status_code == 422 and refused.json()["code"] == "validation_failed"
