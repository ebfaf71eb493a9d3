"""feedgen extensions for podcast feeds.

feedgen knows RSS, Atom and Apple's `itunes` tags but not the Podcasting 2.0
`podcast` namespace, and its `itunes:explicit` still takes the retired
yes/no/clean values. These classes plug into feedgen's extension mechanism
(`FeedGenerator.register_extension`) so the XML is still built by feedgen.
"""

from __future__ import annotations

from dataclasses import dataclass

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.ext.podcast import PodcastExtension
from feedgen.ext.podcast_entry import PodcastEntryExtension
from feedgen.util import xml_elem
from lxml import etree

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


class ItunesExtension(PodcastExtension):  # type: ignore[misc]  # feedgen has no type hints
    """feedgen's itunes channel tags, with `itunes:explicit` written as Apple now requires: true | false."""

    def __init__(self) -> None:
        super().__init__()
        self._explicit: bool | None = None

    def explicit(self, value: bool | None = None) -> bool | None:
        """Get or set whether the show is explicit."""
        if value is not None:
            self._explicit = value
        return self._explicit

    def extend_rss(self, rss_feed: etree._Element) -> etree._Element:
        rss_feed = super().extend_rss(rss_feed)
        if self._explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", rss_feed[0]).text = "true" if self._explicit else "false"
        return rss_feed


class ItunesEntryExtension(PodcastEntryExtension):  # type: ignore[misc]  # feedgen has no type hints
    """feedgen's itunes item tags (duration, ...); registered beside `ItunesExtension`."""


class PodcastIndexExtension(BaseExtension):  # type: ignore[misc]  # feedgen has no type hints
    """Channel tags of the Podcasting 2.0 namespace: podcast:guid and podcast:locked."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._locked: bool | None = None
        self._locked_owner: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def guid(self, value: str | None = None) -> str | None:
        """Get or set podcast:guid (see `service.listeners.feeds.guid.podcast_guid`)."""
        if value is not None:
            self._guid = value
        return self._guid

    def locked(self, value: bool, owner: str | None = None) -> None:
        """Set podcast:locked: whether other platforms may import the feed; `owner` is the e-mail to verify."""
        self._locked, self._locked_owner = value, owner

    def extend_rss(self, rss_feed: etree._Element) -> etree._Element:
        channel = rss_feed[0]
        if self._locked is not None:
            locked = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            locked.text = "yes" if self._locked else "no"
            if self._locked_owner:
                locked.attrib["owner"] = self._locked_owner
        if self._guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self._guid
        return rss_feed

    def extend_atom(self, atom_feed: etree._Element) -> etree._Element:
        return atom_feed  # the namespace is defined for RSS only


@dataclass(frozen=True)
class Transcript:
    """One podcast:transcript link."""

    url: str
    type: str
    language: str | None = None
    rel: str | None = None


@dataclass(frozen=True)
class AlternateEnclosure:
    """One podcast:alternateEnclosure: the episode's audio in another format, at one source."""

    url: str
    type: str  # the MIME type without parameters: audio/ogg, audio/mp4
    length: int
    codecs: str = ""  # RFC 6381
    bitrate: int | None = None  # bits per second
    title: str = ""


class PodcastIndexEntryExtension(BaseEntryExtension):  # type: ignore[misc]  # feedgen has no type hints
    """Item tags of the Podcasting 2.0 namespace: podcast:transcript (any number), podcast:chapters and
    podcast:alternateEnclosure (any number)."""

    def __init__(self) -> None:
        self._transcripts: list[Transcript] = []
        self._chapters: tuple[str, str] | None = None
        self._alternates: list[AlternateEnclosure] = []

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def transcript(self, url: str, type: str, *, language: str | None = None, rel: str | None = None) -> None:
        """Add a transcript link (e.g. WebVTT with rel="captions")."""
        self._transcripts.append(Transcript(url, type, language, rel))

    def chapters(self, url: str, type: str = "application/json+chapters") -> None:
        """Set the chapters file link (Podcasting 2.0 JSON chapters)."""
        self._chapters = (url, type)

    def alternate_enclosure(self, alternate: AlternateEnclosure) -> None:
        """Offer the episode in another format (apps that know the tag may pick it; the enclosure stays MP3)."""
        self._alternates.append(alternate)

    def extend_rss(self, item: etree._Element) -> etree._Element:
        for a in self._alternates:
            element = xml_elem(f"{{{PODCAST_NS}}}alternateEnclosure", item)
            element.attrib.update({"type": a.type, "length": str(a.length)})
            if a.bitrate:
                element.attrib["bitrate"] = str(a.bitrate)
            if a.codecs:
                element.attrib["codecs"] = a.codecs
            if a.title:
                element.attrib["title"] = a.title
            xml_elem(f"{{{PODCAST_NS}}}source", element).attrib["uri"] = a.url
        for t in self._transcripts:
            element = xml_elem(f"{{{PODCAST_NS}}}transcript", item)
            element.attrib["url"] = t.url
            element.attrib["type"] = t.type
            if t.language:
                element.attrib["language"] = t.language
            if t.rel:
                element.attrib["rel"] = t.rel
        if self._chapters:
            element = xml_elem(f"{{{PODCAST_NS}}}chapters", item)
            element.attrib["url"], element.attrib["type"] = self._chapters
        return item

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        return entry
