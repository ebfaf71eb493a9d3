"""Private podcast feeds: one token URL per subscriber, revoked one by one, episodes at signed URLs."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from pydantic import SecretStr

from service.core.settings import Settings
from tests.api.test_feed_assets import PNG, wav
from tests.api.test_feeds import FEED, NS, narrate

SECRET = "feed-secret-" + "f" * 32


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"media_signing_secrets": [SecretStr(SECRET)]})


@pytest.fixture
def private_feed(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/feeds", json={**FEED, "private": True})
    assert response.status_code == 201, response.text
    return response.json()


def subscribe(client: TestClient, name: str, slug: str = "daily") -> dict[str, Any]:
    response = client.post(f"/v1/feeds/{slug}/subscribers", json={"name": name})
    assert response.status_code == 201, response.text
    return response.json()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_a_subscribers_feed_carries_signed_episodes_that_play(
    client: TestClient, settings: Settings, private_feed: dict[str, Any]
) -> None:
    narrated = narrate(client, settings, "Members only")
    alice = subscribe(client, "alice")
    assert alice["feed_url"].startswith("http://testserver/feeds/daily/fs_")
    response = client.get(path_of(alice["feed_url"]))
    assert response.status_code == 200 and response.headers["cache-control"] == "private, max-age=300"
    channel = etree.fromstring(response.content).find("channel")
    assert channel.findtext("itunes:block", namespaces=NS) == "yes"  # kept out of podcast directories
    assert channel.find("atom:link[@rel='self']", NS).get("href") == alice["feed_url"]
    entry = feedparser.parse(response.content).entries[0]
    enclosure = entry.enclosures[0]
    assert int(enclosure.length) == narrated.audio_bytes
    query = parse_qs(urlsplit(enclosure.href).query)
    # Podcast apps fetch episodes long after the feed: the URL lasts the feed setting (7 days), not an hour.
    assert int(query["expires"][0]) - time.time() >= settings.feed_signed_url_expires_s - 5
    audio = client.get(path_of(enclosure.href))
    assert audio.status_code == 200 and len(audio.content) == narrated.audio_bytes
    assert client.get(path_of(enclosure.href), headers={"range": "bytes=0-9"}).status_code == 206
    # An article of a private feed is private: its public URL is refused.
    assert client.get(f"/media/{narrated.audio_key}").json()["code"] == "signature_invalid"


def test_a_private_feeds_public_url_is_404(client: TestClient, private_feed: dict[str, Any]) -> None:
    assert private_feed["private"] is True and private_feed["rss_url"] is None
    assert client.get("/feeds/daily.xml").status_code == 404


def test_a_revoked_subscribers_feed_is_404_and_anothers_still_works(
    client: TestClient, settings: Settings, private_feed: dict[str, Any]
) -> None:
    narrate(client, settings, "Members only")
    alice, bob = subscribe(client, "alice"), subscribe(client, "bob")
    assert client.delete(f"/v1/feeds/daily/subscribers/{alice['id']}").status_code == 204
    gone = client.get(path_of(alice["feed_url"]))
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"
    assert client.get(path_of(bob["feed_url"])).status_code == 200
    listed = {s["name"]: s for s in client.get("/v1/feeds/daily/subscribers").json()}
    assert listed["alice"]["revoked_at"] is not None and listed["bob"]["revoked_at"] is None
    assert "feed_url" not in listed["bob"] and listed["bob"]["prefix"] == bob["prefix"]


def test_a_token_of_another_feed_or_made_up_is_404(client: TestClient, private_feed: dict[str, Any]) -> None:
    assert client.post("/v1/feeds", json={**FEED, "slug": "weekly", "private": True}).status_code == 201
    weekly = subscribe(client, "carol", "weekly")
    token = weekly["feed_url"].rsplit("/", 1)[1]
    assert client.get(f"/feeds/daily/{token}").status_code == 404
    assert client.get("/feeds/daily/fs_madeup.xml").status_code == 404


def test_a_public_feed_leaves_out_private_articles(client: TestClient, settings: Settings) -> None:
    assert client.post("/v1/feeds", json=FEED).status_code == 201
    narrate(client, settings, "Open story")
    hidden = client.post(
        "/v1/articles", json={"title": "Hidden", "text": "Paywalled.", "feed": "daily", "private": True}
    )
    assert hidden.status_code == 202
    titles = [e.title for e in feedparser.parse(client.get("/feeds/daily.xml").content).entries]
    assert titles == ["Open story"]


def test_a_feed_made_private_later_is_served_only_to_subscribers(client: TestClient, settings: Settings) -> None:
    assert client.post("/v1/feeds", json=FEED).status_code == 201
    narrated = narrate(client, settings, "Was open")
    assert client.get(f"/media/{narrated.audio_key}").status_code == 200
    response = client.put("/v1/feeds/daily", json={**{k: v for k, v in FEED.items() if k != "slug"}, "private": True})
    assert response.status_code == 200 and response.json()["private"] is True
    assert client.get("/feeds/daily.xml").status_code == 404
    assert client.get(f"/media/{narrated.audio_key}").status_code == 403


def test_narrator_private_and_subscribers(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], client: TestClient
) -> None:
    """The CLI makes a feed private, prints a subscriber's URL alone on its last line, lists and revokes it."""
    from service.core.settings import get_settings
    from workers.cli import main

    assert client.post("/v1/feeds", json=FEED).status_code == 201
    monkeypatch.setenv("NARRATOR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("NARRATOR_MEDIA_SIGNING_SECRETS", SECRET)
    monkeypatch.setenv("NARRATOR_PUBLIC_URL", "http://testserver")
    get_settings.cache_clear()
    try:
        assert main(["private", "feed", "daily"]) == 0
        assert client.get("/feeds/daily.xml").status_code == 404
        assert main(["subscribers", "create", "daily", "--name", "dana"]) == 0
        url = capsys.readouterr().out.strip().splitlines()[-1]
        assert url.startswith("http://testserver/feeds/daily/fs_") and client.get(path_of(url)).status_code == 200
        assert main(["subscribers", "list", "daily"]) == 0
        listed = capsys.readouterr().out
        prefix = url.rsplit("/", 1)[1][:11]
        assert prefix in listed and "'dana'" in listed and "active" in listed and url not in listed
        assert main(["subscribers", "revoke", "daily", prefix]) == 0
        assert client.get(path_of(url)).status_code == 404
        assert main(["private", "feed", "daily", "--public"]) == 0
        assert client.get("/feeds/daily.xml").status_code == 200
    finally:
        get_settings.cache_clear()


def test_a_private_feeds_intro_and_cover_are_served_only_signed(
    client: TestClient, settings: Settings, private_feed: dict[str, Any]
) -> None:
    """A private feed's own files are private like its episodes: signed URLs handed out, the plain one refused."""
    for asset, body in (("intro", wav(1.0)), ("cover", PNG)):
        stored = client.put(f"/v1/feeds/daily/{asset}", content=body)
        assert stored.status_code == 200, stored.text
        key, url = stored.json()["key"], stored.json()["url"]
        query = parse_qs(urlsplit(url).query)
        assert url.startswith(f"/media/{key}?") and int(query["expires"][0]) > time.time()
        assert client.get(url).content == body
        refused = client.get(f"/media/{key}")
        assert refused.status_code == 403 and refused.json()["code"] == "signature_invalid"
    # Made public again, the feed's files are public again.
    public = {k: v for k, v in FEED.items() if k != "slug"}
    assert client.put("/v1/feeds/daily", json={**public, "private": False}).status_code == 200
    assert client.get(f"/media/{key}").content == PNG


def test_an_article_moved_into_a_private_feed_is_refused_unsigned_at_once(
    client: TestClient, settings: Settings, private_feed: dict[str, Any]
) -> None:
    narrated = narrate(client, settings, "Open for now", feed=None)
    assert client.get(f"/media/{narrated.audio_key}").status_code == 200  # remembered as public
    assert client.put(f"/v1/articles/{narrated.article_id}/feed", json={"feed": "daily"}).status_code == 200
    assert client.get(f"/media/{narrated.audio_key}").json()["code"] == "signature_invalid"
