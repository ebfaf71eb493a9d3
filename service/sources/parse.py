"""A fetched feed or sitemap as a list of entries: RSS/Atom by feedparser, JSON Feed by json, sitemaps by lxml.

XML that declares entities is refused before any parser sees it, so nothing
here ever expands one (the billion-laughs attack); sitemaps are parsed with
entity resolution, DTD loading, network access and huge trees all off.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser
from lxml import etree

from service.core.errors import SourceMalformed, XmlEntitiesForbidden

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
JSON_FEED_VERSION = "https://jsonfeed.org/version/"
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One listed item: its identity, where its article is, what the listing says of it."""

    guid: str
    url: str
    title: str | None = None
    date: str | None = None  # as listed (updated, else published; a sitemap's lastmod)
    timestamp: float = 0.0  # the date as seconds since the epoch (0 when unknown), for newest-first
    categories: tuple[str, ...] = ()
    content_html: str | None = None  # the article body when the feed carries it
    item_hash: str = ""  # of what the listing says (title, date, summary, content): changes when it is edited


@dataclass(frozen=True)
class ChildSitemap:
    """One sitemap a sitemap index lists, with its <lastmod> as seconds since the epoch (0 when not given)."""

    url: str
    timestamp: float = 0.0


@dataclass(frozen=True)
class Listing:
    """A parsed source: `feed` or `sitemap`, its entries, and for a sitemap index its child sitemaps."""

    kind: str
    entries: list[Entry] = field(default_factory=list)
    children: list[ChildSitemap] = field(default_factory=list)


def _hash(*parts: str | None) -> str:
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()


def _iso_timestamp(text: str | None) -> float:
    if not text:
        return 0.0
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return 0.0
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def parse_listing(body: bytes) -> Listing:
    """The entries of a feed or sitemap; `SourceMalformed` (or `XmlEntitiesForbidden`) when it is neither."""
    text = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return _json_feed(text)
    if _ENTITY_DECLARATION.search(body):
        raise XmlEntitiesForbidden("the document declares XML entities; they are never expanded")
    root = _safe_xml(body)
    if root is not None and etree.QName(root).localname in ("urlset", "sitemapindex"):
        return _sitemap(root)
    return _feed(body)


def _safe_xml(body: bytes) -> etree._Element | None:
    """The XML tree without entity expansion, DTDs or network; None when it is not well-formed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise XmlEntitiesForbidden("the document declares XML entities; they are never expanded")
    return root


def _sitemap(root: etree._Element) -> Listing:
    """A urlset (news sitemaps included) or a sitemap index."""
    if etree.QName(root).localname == "sitemapindex":
        children = []
        for sitemap in root.xpath("//*[local-name()='sitemap']"):
            loc = "".join(sitemap.xpath("*[local-name()='loc']/text()")).strip()
            lastmod = "".join(sitemap.xpath("*[local-name()='lastmod']/text()"))
            if loc:
                children.append(ChildSitemap(loc, _iso_timestamp(lastmod)))
        return Listing("sitemap", children=children)
    entries = []
    for url in root.iterfind(f"{{{SITEMAP_NS}}}url"):
        loc = (url.findtext(f"{{{SITEMAP_NS}}}loc") or "").strip()
        if not loc:
            continue
        lastmod = url.findtext(f"{{{SITEMAP_NS}}}lastmod")
        title = url.findtext(f"{{{NEWS_NS}}}news/{{{NEWS_NS}}}title")
        published = url.findtext(f"{{{NEWS_NS}}}news/{{{NEWS_NS}}}publication_date")
        keywords = url.findtext(f"{{{NEWS_NS}}}news/{{{NEWS_NS}}}keywords") or ""
        date = (lastmod or published or "").strip() or None
        entries.append(
            Entry(
                guid=loc,
                url=loc,
                title=title.strip() if title else None,
                date=date,
                timestamp=_iso_timestamp(date),
                categories=tuple(k.strip() for k in keywords.split(",") if k.strip()),
                item_hash=_hash(loc, date, title),
            )
        )
    return Listing("sitemap", entries)


def _feed(body: bytes) -> Listing:
    """RSS 0.9x/1.0/2.0 or Atom, read by feedparser.

    Given as a stream: feedparser takes a string (or bytes) that names a file or a URL as
    a file to open or a URL to fetch, and a hostile body could name `/etc/passwd`.
    """
    parsed = feedparser.parse(io.BytesIO(body))
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version") and not parsed.entries:
        raise SourceMalformed(f"not an RSS, Atom or JSON feed or an XML sitemap ({problem or 'no feed found'})")
    entries = []
    for item in parsed.entries:
        link = item.get("link") or ""
        guid = item.get("id") or link
        if not guid or not link:
            continue
        contents = item.get("content") or []
        content_html = contents[0].get("value") if contents else None
        # dict.get: feedparser's own get maps a missing `updated` to `published` with a warning.
        date = dict.get(item, "updated") or dict.get(item, "published")
        moment = dict.get(item, "updated_parsed") or dict.get(item, "published_parsed")
        entries.append(
            Entry(
                guid=guid,
                url=link,
                title=item.get("title"),
                date=date,
                timestamp=float(calendar.timegm(moment)) if moment else 0.0,
                categories=tuple(t.get("term", "") for t in item.get("tags", []) if t.get("term")),
                content_html=content_html,
                item_hash=_hash(link, item.get("title"), date, item.get("summary"), content_html),
            )
        )
    if problem is not None and not entries:
        # feedparser reads past small faults; a broken feed it got nothing usable from is refused, not empty.
        raise SourceMalformed(f"the feed is malformed: {problem}")
    return Listing("feed", entries)


def _json_feed(body: bytes) -> Listing:
    """A JSON Feed (https://jsonfeed.org/version/1.1)."""
    try:
        document: Any = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceMalformed(f"not valid JSON: {exc}") from exc
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(JSON_FEED_VERSION):
        raise SourceMalformed("JSON without a JSON Feed version")
    items = document.get("items")
    if not isinstance(items, list):
        raise SourceMalformed("a JSON Feed without items")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        url = str(item.get("url") or item.get("external_url") or "")
        guid = str(item.get("id") or url)
        if not url or not guid:
            continue
        content_html = item.get("content_html")
        dated = item.get("date_modified") or item.get("date_published")
        date = dated if isinstance(dated, str) else None
        title = item.get("title") if isinstance(item.get("title"), str) else None
        tags = item.get("tags")
        tags = tags if isinstance(tags, list) else []
        entries.append(
            Entry(
                guid=guid,
                url=url,
                title=title,
                date=date,
                timestamp=_iso_timestamp(date),
                categories=tuple(str(t) for t in tags),
                content_html=content_html if isinstance(content_html, str) else None,
                item_hash=_hash(url, title, date, str(item.get("summary") or ""), str(content_html or "")),
            )
        )
    return Listing("feed", entries)
