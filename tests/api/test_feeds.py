"""Podcast feeds over HTTP: /v1/feeds and /feeds/{slug}.xml, with real stored files."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient
from lxml import etree

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import storage_for
from service.listeners.feeds.extensions import ITUNES_NS, PODCAST_NS
from service.listeners.feeds.guid import podcast_guid

NS = {"itunes": ITUNES_NS, "podcast": PODCAST_NS, "atom": "http://www.w3.org/2005/Atom"}
FEED: dict[str, Any] = {
    "slug": "daily",
    "title": "The Daily Paper, read aloud",
    "description": "Every story of the day, narrated.",
    "language": "en-GB",
    "author": "The Daily Paper",
    "owner_email": "podcast@paper.example",
    "image_url": "https://paper.example/podcast.jpg",
    "link": "https://paper.example/",
    "category": "News",
    "subcategory": "Daily News",
    "explicit": False,
}
VTT = b"WEBVTT\n\n00:00.000 --> 00:01.500\nFirst story.\n"
CHAPTERS = json.dumps({"version": "1.2.0", "chapters": [{"startTime": 0, "title": "First story"}]}).encode()


@dataclass(frozen=True)
class Narrated:
    article_id: str
    audio_key: str
    audio_bytes: int


def narrate(
    client: TestClient,
    settings: Settings,
    title: str,
    *,
    feed: str | None = "daily",
    timings: bool = True,
    seed: int = 0,
) -> Narrated:
    """Create an article in `feed` and finish its narration with real stored MP3, VTT and chapter files."""
    created = client.post("/v1/articles", json={"title": title, "text": f"{title} body. More text.", "feed": feed})
    assert created.status_code == 202, created.text
    body = created.json()
    storage = storage_for(settings)
    audio = storage.put_bytes(bytes([seed % 256]) * (4096 + seed) + title.encode(), "mp3")
    captions = storage.put_bytes(VTT + title.encode(), "vtt") if timings else None
    chapters = storage.put_bytes(CHAPTERS, "json") if timings else None
    with session_scope(settings.database_url) as session:
        records.finish_narration(
            session,
            body["latest_narration"]["id"],
            records.FinishedAudio(
                audio.sha256,
                audio.key,
                audio.size,
                93.4,
                captions_key=captions.key if captions else None,
                chapters_key=chapters.key if chapters else None,
            ),
        )
    return Narrated(body["id"], audio.key, audio.size)


@pytest.fixture
def feed(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/feeds", json=FEED)
    assert response.status_code == 201, response.text
    return response.json()


def parsed_feed(client: TestClient, slug: str = "daily") -> tuple[Any, etree._Element]:
    response = client.get(f"/feeds/{slug}.xml")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed, etree.fromstring(response.content)


# --- /v1/feeds ---


def test_create_feed_answers_201_with_location_and_guid(client: TestClient) -> None:
    response = client.post("/v1/feeds", json=FEED)
    assert response.status_code == 201
    assert response.headers["location"] == "/v1/feeds/daily"
    body = response.json()
    assert body["rss_url"] == "http://testserver/feeds/daily.xml"
    assert body["guid"] == podcast_guid("http://testserver/feeds/daily.xml")
    assert {k: body[k] for k in FEED} == FEED


def test_duplicate_slug_is_409(client: TestClient, feed: dict[str, Any]) -> None:
    response = client.post("/v1/feeds", json=FEED)
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_feed"


@pytest.mark.parametrize(
    "change",
    [
        {"category": "Newz"},
        {"subcategory": "Baseball"},
        {"slug": "Not A Slug"},
        {"owner_email": "nobody"},
        {"image_url": "ftp://x/y.jpg"},
        {"title": ""},
    ],
)
def test_invalid_feed_is_422(client: TestClient, change: dict[str, str]) -> None:
    response = client.post("/v1/feeds", json={**FEED, **change})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_list_and_get_feeds(client: TestClient, feed: dict[str, Any]) -> None:
    client.post("/v1/feeds", json={**FEED, "slug": "weekly", "title": "Weekly"})
    assert [f["slug"] for f in client.get("/v1/feeds").json()] == ["daily", "weekly"]
    assert client.get("/v1/feeds/daily").json() == feed
    assert client.get("/v1/feeds/nope").status_code == 404


def test_unknown_feed_xml_is_404(client: TestClient) -> None:
    assert client.get("/feeds/nope.xml").status_code == 404


# --- the RSS: channel ---


def test_channel_has_every_required_tag(client: TestClient, feed: dict[str, Any]) -> None:
    parsed, root = parsed_feed(client)
    channel = root.find("channel")
    assert root.get("version") == "2.0"
    assert {"itunes", "podcast", "atom", "content"} <= set(root.nsmap)
    assert parsed.feed.title == FEED["title"]
    assert parsed.feed.link == "https://paper.example/"
    assert parsed.feed.subtitle == FEED["description"]
    assert parsed.feed.language == "en-GB"
    self_link = channel.find("atom:link", NS)
    assert self_link.get("rel") == "self" and self_link.get("href") == "http://testserver/feeds/daily.xml"
    assert channel.find("itunes:image", NS).get("href") == FEED["image_url"]
    category = channel.find("itunes:category", NS)
    assert category.get("text") == "News"
    assert category.find("itunes:category", NS).get("text") == "Daily News"
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.findtext("itunes:author", namespaces=NS) == FEED["author"]
    assert channel.findtext("itunes:owner/itunes:name", namespaces=NS) == FEED["author"]
    assert channel.findtext("itunes:owner/itunes:email", namespaces=NS) == FEED["owner_email"]
    assert channel.findtext("podcast:guid", namespaces=NS) == feed["guid"]
    assert channel.find("podcast:locked", NS).text == "no"
    assert channel.find("podcast:locked", NS).get("owner") == FEED["owner_email"]


def test_explicit_feed_says_true(client: TestClient) -> None:
    client.post("/v1/feeds", json={**FEED, "explicit": True, "locked": True})
    _, root = parsed_feed(client)
    assert root.findtext("channel/itunes:explicit", namespaces=NS) == "true"
    assert root.findtext("channel/podcast:locked", namespaces=NS) == "yes"


def test_public_url_makes_every_link_absolute_there(settings: Settings, client: TestClient) -> None:
    settings.public_url = "https://listen.paper.example/"
    created = client.post("/v1/feeds", json={**FEED, "link": None}).json()
    assert created["guid"] == podcast_guid("listen.paper.example/feeds/daily.xml")
    story = narrate(client, settings, "Story")
    parsed, root = parsed_feed(client)
    assert parsed.feed.link == "https://listen.paper.example/"
    assert root.find("channel/atom:link", NS).get("href") == "https://listen.paper.example/feeds/daily.xml"
    assert parsed.entries[0].enclosures[0].href == f"https://listen.paper.example/media/{story.audio_key}"


def test_guid_is_fixed_when_the_feed_is_created(settings: Settings, client: TestClient, feed: dict[str, Any]) -> None:
    settings.public_url = "https://moved.example"
    _, root = parsed_feed(client)
    assert root.findtext("channel/podcast:guid", namespaces=NS) == podcast_guid("testserver/feeds/daily.xml")


# --- the RSS: items ---


def test_items_are_done_narrations_of_this_feed_newest_first(
    client: TestClient, settings: Settings, feed: dict[str, Any]
) -> None:
    narrate(client, settings, "Oldest", seed=1)
    narrate(client, settings, "Newest", seed=2)
    client.post("/v1/articles", json={"title": "Queued", "text": "Not narrated yet.", "feed": "daily"})
    client.post("/v1/feeds", json={**FEED, "slug": "other"})
    narrate(client, settings, "Elsewhere", feed="other", seed=3)
    parsed, _ = parsed_feed(client)
    assert [e.title for e in parsed.entries] == ["Newest", "Oldest"]


def test_item_has_every_required_tag(client: TestClient, settings: Settings, feed: dict[str, Any]) -> None:
    story = narrate(client, settings, "First story")
    parsed, root = parsed_feed(client)
    entry = parsed.entries[0]
    item = root.find("channel/item")
    assert entry.title == "First story"
    assert entry.summary == "First story body. More text."
    guid = item.find("guid")
    assert guid.text == f"narrator:article:{story.article_id}" and guid.get("isPermaLink") == "false"
    published = parsedate_to_datetime(item.findtext("pubDate"))  # RFC 2822
    assert published.tzinfo is not None
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "audio/mpeg"
    assert enclosure.get("url") == f"http://testserver/media/{story.audio_key}"
    assert enclosure.get("length") == str(story.audio_bytes)
    assert item.findtext("itunes:duration", namespaces=NS) == "93"
    transcript = item.find("podcast:transcript", NS)
    assert transcript.get("type") == "text/vtt" and transcript.get("rel") == "captions"
    assert item.find("podcast:chapters", NS).get("type") == "application/json+chapters"
    assert client.get(transcript.get("url")).content.startswith(b"WEBVTT")
    assert client.get(item.find("podcast:chapters", NS).get("url")).json()["version"] == "1.2.0"


def test_enclosure_length_is_what_head_on_its_url_says(
    client: TestClient, settings: Settings, feed: dict[str, Any]
) -> None:
    for n in range(3):
        narrate(client, settings, f"Story {n}", seed=n * 1000)
    parsed, _ = parsed_feed(client)
    assert len(parsed.entries) == 3
    for entry in parsed.entries:
        enclosure = entry.enclosures[0]
        head = client.head(enclosure.href)
        assert head.status_code == 200
        assert head.headers["content-type"] == "audio/mpeg"
        assert int(enclosure.length) == int(head.headers["content-length"])
        assert int(enclosure.length) == len(client.get(enclosure.href).content)


def test_item_without_timing_files_has_no_transcript_or_chapters(
    client: TestClient, settings: Settings, feed: dict[str, Any]
) -> None:
    narrate(client, settings, "Plain", timings=False)
    _, root = parsed_feed(client)
    item = root.find("channel/item")
    assert item.find("podcast:transcript", NS) is None and item.find("podcast:chapters", NS) is None


def test_renarration_keeps_the_item_guid_and_moves_the_enclosure(
    client: TestClient, settings: Settings, feed: dict[str, Any]
) -> None:
    story = narrate(client, settings, "Story")
    before, _ = parsed_feed(client)
    storage = storage_for(settings)
    audio = storage.put_bytes(b"a new version" * 500, "mp3")
    with session_scope(settings.database_url) as session:
        article = records.get_article(session, story.article_id)
        narration = records.add_narration(session, article, voice=article.voice)
        records.finish_narration(session, narration.id, records.FinishedAudio(audio.sha256, audio.key, audio.size, 5.0))
    after, _ = parsed_feed(client)
    assert after.entries[0].id == before.entries[0].id
    assert after.entries[0].enclosures[0].href.endswith(audio.key)
    assert int(after.entries[0].enclosures[0].length) == audio.size


# --- HTTP: caching and compression ---


def test_feed_answers_304_to_its_etag(client: TestClient, settings: Settings, feed: dict[str, Any]) -> None:
    narrate(client, settings, "Story")
    first = client.get("/feeds/daily.xml")
    etag = first.headers["etag"]
    again = client.get("/feeds/daily.xml", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag


def test_feed_etag_changes_when_an_item_is_added(client: TestClient, settings: Settings, feed: dict[str, Any]) -> None:
    etag = client.get("/feeds/daily.xml").headers["etag"]
    narrate(client, settings, "Story")
    response = client.get("/feeds/daily.xml", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response.headers["etag"] != etag


def test_feed_is_gzipped_when_the_client_accepts_it(
    client: TestClient, settings: Settings, feed: dict[str, Any]
) -> None:
    narrate(client, settings, "Story")
    # Read the raw bytes, so the check is on what went over the wire, not on httpx's decoding.
    with client.stream("GET", "/feeds/daily.xml", headers={"accept-encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"].lower()
    assert feedparser.parse(gzip.decompress(raw)).entries[0].title == "Story"


def test_feed_is_plain_without_accept_encoding(client: TestClient, feed: dict[str, Any]) -> None:
    response = client.get("/feeds/daily.xml", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in response.headers
    assert response.content.startswith(b"<?xml")


def test_audio_is_never_gzipped(client: TestClient, settings: Settings, feed: dict[str, Any]) -> None:
    story = narrate(client, settings, "Story")
    for url in (f"/media/{story.audio_key}", f"/v1/articles/{story.article_id}/audio.mp3"):
        with client.stream("GET", url, headers={"accept-encoding": "gzip"}) as response:
            raw = b"".join(response.iter_raw())
        assert response.status_code == 200
        assert "content-encoding" not in response.headers
        assert len(raw) == story.audio_bytes == int(response.headers["content-length"])


def test_feed_head_has_no_body(client: TestClient, feed: dict[str, Any]) -> None:
    response = client.head("/feeds/daily.xml")
    assert response.status_code == 200
    assert response.content == b""
    get = client.get("/feeds/daily.xml")
    for header in ("etag", "content-type", "cache-control"):
        assert response.headers[header] == get.headers[header]


def test_transcript_and_chapters_are_readable_from_other_sites(
    client: TestClient, settings: Settings, feed: dict[str, Any]
) -> None:
    narrate(client, settings, "Story")
    _, root = parsed_feed(client)
    item = root.find("channel/item")
    for url in (item.find("podcast:transcript", NS).get("url"), item.find("podcast:chapters", NS).get("url")):
        response = client.get(url, headers={"origin": "https://podcast-app.example"})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"


# --- PUT /v1/articles/{id}/feed ---


def test_an_article_put_in_a_feed_becomes_its_episode(
    client: TestClient, settings: Settings, feed: dict[str, Any]
) -> None:
    story = narrate(client, settings, "A story without a feed yet", feed=None)
    assert parsed_feed(client)[0].entries == []
    moved = client.put(f"/v1/articles/{story.article_id}/feed", json={"feed": "daily"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["feed"] == "daily"
    assert [e.title for e in parsed_feed(client)[0].entries] == ["A story without a feed yet"]
    assert client.put(f"/v1/articles/{story.article_id}/feed", json={"feed": None}).json()["feed"] is None
    assert parsed_feed(client)[0].entries == []


def test_an_article_cannot_join_a_feed_holding_its_external_id(client: TestClient, feed: dict[str, Any]) -> None:
    client.post("/v1/articles", json={"text": "In the feed.", "feed": "daily", "external_id": "story-1"})
    loose = client.post("/v1/articles", json={"text": "Not in a feed.", "external_id": "story-1"}).json()
    refused = client.put(f"/v1/articles/{loose['id']}/feed", json={"feed": "daily"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "duplicate_external_id"
