"""Rendering RSS with feedgen and the podcast-namespace extension, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from lxml import etree

from service.listeners.feeds.categories import check_category
from service.listeners.feeds.extensions import ITUNES_NS, PODCAST_NS
from service.listeners.feeds.rss import Channel, Episode, render_rss

NS = {"itunes": ITUNES_NS, "podcast": PODCAST_NS, "atom": "http://www.w3.org/2005/Atom"}
T0 = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)


def channel(**changes: object) -> Channel:
    fields: dict[str, object] = {
        "title": "Daily",
        "description": "News, read aloud",
        "language": "en-GB",
        "author": "The Paper",
        "owner_email": "pod@paper.example",
        "category": "News",
        "subcategory": "Daily News",
        "explicit": False,
        "locked": True,
        "guid": "9b024349-ccf0-5f69-a609-6b82873eab3c",
        "feed_url": "https://n.example/feeds/daily.xml",
        "site_url": "https://paper.example/",
        "image_url": "https://paper.example/art.jpg",
        "updated": T0,
    }
    fields.update(changes)
    return Channel(**fields)  # type: ignore[arg-type]


def episode(n: int, **changes: object) -> Episode:
    fields: dict[str, object] = {
        "guid": f"narrator:article:{n}",
        "title": f"Story {n}",
        "summary": f"Summary {n}.",
        "byline": "By A. Writer",
        "published": T0 + timedelta(days=n),
        "audio_url": f"https://n.example/media/{n}.mp3",
        "audio_bytes": 1000 + n,
        "duration_s": 61.6,
        "language": "en-GB",
        "captions_url": f"https://n.example/media/{n}.vtt",
        "chapters_url": f"https://n.example/media/{n}.json",
    }
    fields.update(changes)
    return Episode(**fields)  # type: ignore[arg-type]


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def test_namespaces_are_declared() -> None:
    root = xml(render_rss(channel(), []))
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert {"itunes", "podcast", "atom", "content"} <= set(root.nsmap)
    assert root.nsmap["podcast"] == PODCAST_NS


def test_channel_podcast_namespace_tags() -> None:
    ch = xml(render_rss(channel(), [])).find("channel")
    assert ch.findtext("podcast:guid", namespaces=NS) == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    locked = ch.find("podcast:locked", NS)
    assert locked.text == "yes" and locked.get("owner") == "pod@paper.example"


@pytest.mark.parametrize(("explicit", "text"), [(True, "true"), (False, "false")])
def test_itunes_explicit_is_true_or_false(explicit: bool, text: str) -> None:
    ch = xml(render_rss(channel(explicit=explicit), [])).find("channel")
    assert [e.text for e in ch.findall("itunes:explicit", NS)] == [text]


def test_category_with_subcategory_nests() -> None:
    ch = xml(render_rss(channel(), [])).find("channel")
    category = ch.find("itunes:category", NS)
    assert category.get("text") == "News"
    assert category.find("itunes:category", NS).get("text") == "Daily News"


def test_category_without_subcategory() -> None:
    ch = xml(render_rss(channel(category="Technology", subcategory=None), [])).find("channel")
    category = ch.find("itunes:category", NS)
    assert category.get("text") == "Technology" and len(category) == 0


def test_items_keep_the_given_order() -> None:
    parsed = feedparser.parse(render_rss(channel(), [episode(3), episode(2), episode(1)]))
    assert [e.title for e in parsed.entries] == ["Story 3", "Story 2", "Story 1"]


def test_item_podcast_tags() -> None:
    item = xml(render_rss(channel(), [episode(1)])).find("channel/item")
    transcript = item.find("podcast:transcript", NS)
    assert transcript.attrib == {
        "url": "https://n.example/media/1.vtt",
        "type": "text/vtt",
        "language": "en-GB",
        "rel": "captions",
    }
    chapters = item.find("podcast:chapters", NS)
    assert chapters.attrib == {"url": "https://n.example/media/1.json", "type": "application/json+chapters"}


def test_item_without_timing_files_has_neither_tag() -> None:
    item = xml(render_rss(channel(), [episode(1, captions_url=None, chapters_url=None)])).find("channel/item")
    assert item.find("podcast:transcript", NS) is None
    assert item.find("podcast:chapters", NS) is None


def test_duration_is_whole_seconds() -> None:
    item = xml(render_rss(channel(), [episode(1, duration_s=61.6)])).find("channel/item")
    assert item.findtext("itunes:duration", namespaces=NS) == "62"


def test_naive_timestamps_are_taken_as_utc() -> None:
    naive = datetime(2025, 3, 2, 9, 0)
    item = xml(render_rss(channel(), [episode(1, published=naive)])).find("channel/item")
    assert item.findtext("pubDate") == "Sun, 02 Mar 2025 09:00:00 +0000"


def test_same_data_renders_the_same_bytes() -> None:
    # lastBuildDate comes from the data, so an unchanged feed keeps its ETag.
    assert render_rss(channel(), [episode(1)]) == render_rss(channel(), [episode(1)])


def test_last_build_date_is_the_newest_item() -> None:
    ch = xml(render_rss(channel(), [episode(5), episode(1)])).find("channel")
    assert ch.findtext("lastBuildDate") == "Thu, 06 Mar 2025 08:30:00 +0000"


def test_show_notes_escape_html() -> None:
    parsed = feedparser.parse(render_rss(channel(), [episode(1, summary="Tom & <Jerry>")]))
    assert "Tom &amp; &lt;Jerry&gt;" in parsed.entries[0].content[0].value


def test_apple_categories_are_checked() -> None:
    check_category("News", "Tech News")
    check_category("Technology", None)
    with pytest.raises(ValueError):
        check_category("Newz", None)
    with pytest.raises(ValueError):
        check_category("News", "Baseball")
