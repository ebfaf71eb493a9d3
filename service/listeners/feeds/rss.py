"""Render a podcast feed as RSS 2.0 with feedgen (itunes, podcast, atom and content namespaces)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from html import escape
from typing import Any, TypeVar

from feedgen.feed import FeedGenerator

from service.core.hygiene import clean_text
from service.listeners.feeds.extensions import (
    AlternateEnclosure,
    ItunesEntryExtension,
    ItunesExtension,
    PodcastIndexEntryExtension,
    PodcastIndexExtension,
)

GENERATOR = "narrator"


@dataclass(frozen=True)
class Channel:
    """What the channel says about the show; URLs are absolute."""

    title: str
    description: str
    language: str
    author: str
    owner_email: str
    category: str
    subcategory: str | None
    explicit: bool
    locked: bool
    guid: str
    feed_url: str
    site_url: str
    image_url: str | None
    updated: datetime
    private: bool = False  # a subscribers-only feed: kept out of podcast directories (itunes:block)


@dataclass(frozen=True)
class Episode:
    """One item: an article's current narration; URLs are absolute, `audio_bytes` exact."""

    guid: str
    title: str
    summary: str
    byline: str | None
    published: datetime
    audio_url: str
    audio_bytes: int
    duration_s: float
    language: str
    link: str | None = None
    captions_url: str | None = None
    chapters_url: str | None = None
    alternates: tuple[AlternateEnclosure, ...] = ()  # the narration in its other formats (Opus, AAC)


_Item = TypeVar("_Item", Channel, Episode)


def aware(moment: datetime) -> datetime:
    """`moment` with a time zone; SQLite hands timestamps back naive (they are stored in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def render_rss(channel: Channel, episodes: Sequence[Episode]) -> bytes:
    """The feed's XML (UTF-8); `episodes` in the order they are listed (newest first)."""
    # Stored text is cleaned at the boundary, but rows written before that (or by
    # hand) must not turn the feed into invalid XML for every subscriber.
    channel = _xml_safe(channel)
    episodes = [_xml_safe(e) for e in episodes]
    fg = FeedGenerator()
    fg.register_extension("itunes", ItunesExtension, ItunesEntryExtension)
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    _describe_channel(fg, channel)
    for episode in episodes:
        _add_episode(fg, episode)
    # lastBuildDate is the data's time, not the request's, so an unchanged feed keeps its ETag.
    newest = max([aware(channel.updated), *(aware(e.published) for e in episodes)])
    fg.lastBuildDate(newest)
    xml: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return xml


def _xml_safe(item: _Item) -> _Item:
    """`item` with every text field cleaned of characters XML 1.0 cannot carry."""
    changes: dict[str, Any] = {
        f.name: clean_text(v) for f in fields(item) if isinstance(v := getattr(item, f.name), str)
    }
    return replace(item, **changes)


def _describe_channel(fg: FeedGenerator, channel: Channel) -> None:
    fg.title(channel.title)
    fg.link(href=channel.feed_url, rel="self", type="application/rss+xml")  # atom:link rel=self
    fg.link(href=channel.site_url, rel="alternate")  # last: feedgen writes the last link as RSS <link>
    fg.description(channel.description)
    fg.language(channel.language)
    fg.generator(GENERATOR)
    fg.author({"name": channel.author, "email": channel.owner_email})
    fg.itunes.itunes_author(channel.author)
    fg.itunes.itunes_owner(name=channel.author, email=channel.owner_email)
    category = {"cat": channel.category}
    if channel.subcategory:
        category["sub"] = channel.subcategory
    fg.itunes.itunes_category(category)
    fg.itunes.explicit(channel.explicit)
    fg.itunes.itunes_type("episodic")
    if channel.image_url:
        fg.itunes.itunes_image(channel.image_url)
        fg.image(url=channel.image_url, title=channel.title, link=channel.site_url)
    fg.podcastindex.guid(channel.guid)
    fg.podcastindex.locked(channel.locked, owner=channel.owner_email)
    if channel.private:
        fg.itunes.itunes_block(True)


def _add_episode(fg: FeedGenerator, episode: Episode) -> None:
    fe = fg.add_entry(order="append")
    fe.guid(episode.guid, permalink=False)
    fe.title(episode.title)
    fe.description(episode.summary)
    fe.content(_show_notes(episode), type="CDATA")  # content:encoded: the same notes as HTML
    if episode.link:
        fe.link(href=episode.link)
    fe.published(aware(episode.published))
    fe.enclosure(episode.audio_url, str(episode.audio_bytes), "audio/mpeg")
    for alternate in episode.alternates:
        fe.podcastindex.alternate_enclosure(alternate)
    fe.itunes.itunes_duration(max(1, round(episode.duration_s)))
    if episode.byline:
        fe.itunes.itunes_author(episode.byline)
    if episode.captions_url:
        fe.podcastindex.transcript(episode.captions_url, "text/vtt", language=episode.language, rel="captions")
    if episode.chapters_url:
        fe.podcastindex.chapters(episode.chapters_url)


def _show_notes(episode: Episode) -> str:
    parts = [f"<p>{escape(episode.summary)}</p>"]
    if episode.byline:
        parts.insert(0, f"<p>{escape(episode.byline)}</p>")
    if episode.link:
        parts.append(f'<p><a href="{escape(episode.link)}">Read the article</a></p>')
    return "".join(parts)
