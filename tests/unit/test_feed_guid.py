"""podcast:guid against the Podcasting 2.0 spec's published examples (docs/tags/guid.md)."""

from __future__ import annotations

import pytest

from service.listeners.feeds.guid import normalized_feed_url, podcast_guid


@pytest.mark.parametrize(
    ("feed_url", "expected"),
    [
        ("podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
        ("mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
    ],
)
def test_guid_matches_the_spec_examples(feed_url: str, expected: str) -> None:
    assert podcast_guid(feed_url) == expected


@pytest.mark.parametrize(
    "feed_url", ["https://podnews.net/rss", "http://podnews.net/rss/", "https://podnews.net/rss//", " podnews.net/rss "]
)
def test_scheme_and_trailing_slashes_do_not_change_the_guid(feed_url: str) -> None:
    assert podcast_guid(feed_url) == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_normalized_url_keeps_path_and_query() -> None:
    assert normalized_feed_url("https://example.com/feeds/daily.xml?x=1/") == "example.com/feeds/daily.xml?x=1"
