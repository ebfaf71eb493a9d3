"""What a source may be (sitemaps, JSON Feed, Atom with the body) and what it may not (malformed, bombs, huge)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core.models import Article, SourceItem
from service.sources.parse import ChildSitemap
from service.sources.poll import MAX_CHILD_SITEMAPS, children_to_read
from tests.sources.conftest import Site, Sources, article_page, story

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


def _pages(site: Site, *numbers: int) -> None:
    for n in numbers:
        site.put(f"/news/{n}", article_page(f"Town {n} library", story(n)))


def _urlset(site: Site, *numbers: int) -> str:
    urls = "".join(
        f"<url><loc>{site.url}/news/{n}</loc><lastmod>2026-11-2{n}T08:00:00+00:00</lastmod></url>" for n in numbers
    )
    return f"<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='{SITEMAP}'>{urls}</urlset>"


def _titles(session: Session) -> list[str | None]:
    return sorted(a.title for a in session.scalars(select(Article)))


def test_a_sitemap_index_with_two_child_sitemaps_narrates_the_items_of_both(
    site: Site, sources: Sources, session: Session
) -> None:
    _pages(site, 1, 2, 3)
    site.put("/sitemap-a.xml", _urlset(site, 1, 2), content_type="application/xml")
    site.put("/sitemap-b.xml", _urlset(site, 3), content_type="application/xml")
    index = "".join(f"<sitemap><loc>{site.url}/sitemap-{c}.xml</loc></sitemap>" for c in "ab")
    site.put("/sitemap.xml", f"<sitemapindex xmlns='{SITEMAP}'>{index}</sitemapindex>", content_type="text/xml")
    source = sources.add(f"{site.url}/sitemap.xml")
    result = sources.poll(source)
    assert (result.outcome, result.taken, source.kind) == ("changed", 3, "sitemap")
    assert _titles(session) == ["Town 1 library", "Town 2 library", "Town 3 library"]


def test_a_later_poll_of_a_sitemap_index_skips_the_children_last_modified_before_the_last_poll(
    site: Site, sources: Sources, session: Session
) -> None:
    _pages(site, 1, 2, 3)
    site.put("/sitemap-2025.xml", _urlset(site, 1), content_type="application/xml")
    site.put("/sitemap-today.xml", _urlset(site, 2), content_type="application/xml")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    children = [("2025", "2025-12-31T23:00:00+00:00"), ("today", now)]

    def index() -> str:
        listed = "".join(
            f"<sitemap><loc>{site.url}/sitemap-{name}.xml</loc><lastmod>{lastmod}</lastmod></sitemap>"
            for name, lastmod in children
        )
        return f"<sitemapindex xmlns='{SITEMAP}'>{listed}</sitemapindex>"

    site.put("/sitemap.xml", index(), content_type="text/xml")
    source = sources.add(f"{site.url}/sitemap.xml")
    assert sources.poll(source).taken == 2  # the first poll reads every child
    site.put("/sitemap-new.xml", _urlset(site, 3), content_type="application/xml")
    children.append(("new", now))
    site.put("/sitemap.xml", index(), content_type="text/xml")
    assert sources.poll(source).taken == 1
    fetched = {name: len(site.seen(f"/sitemap-{name}.xml")) for name, _ in children}
    assert fetched == {"2025": 1, "today": 2, "new": 1}
    assert _titles(session) == ["Town 1 library", "Town 2 library", "Town 3 library"]


def test_the_children_read_are_the_newest_first_undated_after_and_at_most_the_cap() -> None:
    dated = [ChildSitemap(f"https://example.com/{day}.xml", float(day)) for day in range(1, 61)]
    undated = ChildSitemap("https://example.com/undated.xml")
    chosen = children_to_read([undated, *dated], last_success=None)
    assert len(chosen) == MAX_CHILD_SITEMAPS
    assert [c.timestamp for c in chosen[:3]] == [60.0, 59.0, 58.0]
    assert undated not in chosen  # past the cap: the sixty dated ones are newer than an unknown date
    assert children_to_read([undated, dated[0]], last_success=None) == [dated[0], undated]


def test_a_news_sitemap_is_read_with_its_keywords_as_categories(site: Site, sources: Sources, session: Session) -> None:
    _pages(site, 1, 2)
    urls = "".join(
        f"<url><loc>{site.url}/news/{n}</loc><news:news><news:publication_date>2026-11-2{n}</news:publication_date>"
        f"<news:title>Town {n}</news:title><news:keywords>{kw}</news:keywords></news:news></url>"
        for n, kw in ((1, "Local, Council"), (2, "Sport"))
    )
    site.put("/news.xml", f"<urlset xmlns='{SITEMAP}' xmlns:news='{NEWS}'>{urls}</urlset>", content_type="text/xml")
    source = sources.add(f"{site.url}/news.xml", include={"categories": ["council"]})
    sources.poll(source)
    assert _titles(session) == ["Town 1 library"]
    skipped = session.scalar(select(SourceItem).where(SourceItem.url.endswith("/news/2")))
    assert skipped is not None and (skipped.status, skipped.reason) == ("skipped", "excluded")


def test_a_json_feed_is_read(site: Site, sources: Sources, session: Session) -> None:
    _pages(site, 4)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Town news",
        "items": [{"id": "4", "url": f"{site.url}/news/4", "date_published": "2026-11-24T08:00:00Z"}],
    }
    site.put("/feed.json", json.dumps(feed), content_type="application/feed+json")
    sources.poll(sources.add(f"{site.url}/feed.json"))
    assert _titles(session) == ["Town 4 library"]


def test_an_atom_feed_carrying_the_body_is_narrated_from_the_feed_without_fetching_the_page(
    site: Site, sources: Sources, session: Session
) -> None:
    body = "".join(f"<p>{p}</p>" for p in story(5))
    atom = (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Town news</title>"
        "<id>urn:town</id><updated>2026-11-25T08:00:00Z</updated>"
        f"<entry><title>Town 5 library</title><id>urn:town:5</id><link href='{site.url}/news/5'/>"
        f"<updated>2026-11-25T08:00:00Z</updated><content type='html'><![CDATA[{body}]]></content></entry></feed>"
    )
    site.put("/atom.xml", atom, content_type="application/atom+xml")
    sources.poll(sources.add(f"{site.url}/atom.xml"))
    article = session.scalar(select(Article))
    assert article is not None and article.title == "Town 5 library" and article.source_kind == "html"
    assert "town number 5" in article.source
    assert site.seen("/news/5") == []


def test_a_malformed_feed_is_refused_with_its_code(site: Site, sources: Sources) -> None:
    site.put("/feed.xml", "<rss><channel><item><title>cut off", content_type="application/rss+xml")
    source = sources.add(f"{site.url}/feed.xml")
    result = sources.poll(source)
    assert (result.outcome, result.error_code) == ("failed", "source_malformed")
    assert source.last_error_code == "source_malformed" and source.failures == 1


def test_a_billion_laughs_sitemap_is_refused_before_any_entity_is_expanded(site: Site, sources: Sources) -> None:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY lol0 "lol">{entities}]>'
        f"<urlset xmlns='{SITEMAP}'><url><loc>http://example.com/&lol9;</loc></url></urlset>"
    )
    site.put("/sitemap.xml", bomb, content_type="application/xml")
    source = sources.add(f"{site.url}/sitemap.xml")
    result = sources.poll(source)
    assert result.error_code == "xml_entities_forbidden"
    assert source.last_error_code == "xml_entities_forbidden"


def test_a_50_mb_feed_is_refused_as_too_large(site: Site, sources: Sources) -> None:
    item = "<item><title>x</title><link>http://example.com/x</link></item>"
    huge = "<rss version='2.0'><channel><title>t</title>" + item * (50_000_000 // len(item)) + "</channel></rss>"
    site.put("/huge.xml", huge, content_type="application/rss+xml")
    source = sources.add(f"{site.url}/huge.xml")
    result = sources.poll(source)
    assert result.error_code == "source_too_large"
    assert "limit" in (source.last_error_message or "")


def test_a_refused_source_does_not_affect_another(site: Site, sources: Sources, session: Session) -> None:
    _pages(site, 1)
    site.put("/bad.xml", "not a feed", content_type="text/plain")
    site.put("/good.xml", _urlset(site, 1), content_type="application/xml")
    bad, good = sources.add(f"{site.url}/bad.xml"), sources.add(f"{site.url}/good.xml")
    assert sources.poll(bad).error_code == "source_malformed"
    assert sources.poll(good).outcome == "changed"
    assert good.last_error_code is None and _titles(session) == ["Town 1 library"]
