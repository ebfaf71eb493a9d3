"""Which items are narrated and how: the first poll of an old feed, duplicates across feeds, include/exclude rules."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.articles import records
from service.core.models import Article, SourceItem
from service.sources.records import item_counts
from tests.sources.conftest import Site, Sources, article_page, rss, story


def _feed(site: Site, numbers: range | list[int], path: str = "/feed.xml", prefix: str = "/news") -> None:
    items = [(str(n), f"{prefix}/{n}", f"Mon, {n:02d} Nov 2026 08:00:00 GMT") for n in numbers]
    site.put(path, rss(site, items), content_type="application/rss+xml")
    for n in numbers:
        site.put(f"{prefix}/{n}", article_page(f"Town {n} library", story(n)))


def _priorities(session: Session) -> dict[str, str]:
    """Each narrated item's guid and the priority its narration was queued with."""
    found = {}
    for item in session.scalars(select(SourceItem).where(SourceItem.article_id.is_not(None))):
        narration = records.latest_narration(session, item.article_id or "")
        assert narration is not None
        found[item.guid] = narration.priority
    return found


def test_a_first_poll_narrates_the_newest_now_and_backfills_the_rest(
    site: Site, sources: Sources, session: Session
) -> None:
    _feed(site, range(1, 6))
    source = sources.add(f"{site.url}/feed.xml", first_poll_newest=2)
    sources.poll(source)
    assert _priorities(session) == {"5": "now", "4": "now", "3": "backfill", "2": "backfill", "1": "backfill"}


def test_a_first_poll_without_backfill_skips_the_older_items(site: Site, sources: Sources, session: Session) -> None:
    _feed(site, range(1, 6))
    source = sources.add(f"{site.url}/feed.xml", first_poll_newest=2, backfill=False)
    sources.poll(source)
    assert _priorities(session) == {"5": "now", "4": "now"}
    skipped = session.scalars(select(SourceItem.guid).where(SourceItem.reason == "backlog")).all()
    assert sorted(skipped) == ["1", "2", "3"]
    assert site.seen("/news/1") == []  # never fetched


def test_items_beyond_a_polls_budget_wait_for_the_next_poll(site: Site, sources: Sources, session: Session) -> None:
    _feed(site, range(1, 6))
    sources.settings = sources.settings.model_copy(update={"source_max_items_per_poll": 3})
    source = sources.add(f"{site.url}/feed.xml", first_poll_newest=1)
    assert sources.poll(source).taken == 3
    assert sources.poll(source).taken == 2  # the listing is unchanged (304); the backlog is drained
    assert session.query(Article).count() == 5
    _feed(site, range(1, 7))  # one new item: only it is fetched
    assert sources.poll(source).taken == 1
    assert [len(site.seen(f"/news/{n}")) for n in range(1, 7)] == [1] * 6


def test_the_same_story_in_two_feeds_is_narrated_once(site: Site, sources: Sources, session: Session) -> None:
    # The same page under two URLs (a section path and the canonical one): one article.
    page = article_page("Town 1 library", story(1), canonical=f"{site.url}/news/1")
    site.put("/news/1", page)
    site.put("/local/1", page)
    site.put("/a.xml", rss(site, [("a-1", "/news/1", "Mon, 23 Nov 2026 08:00:00 GMT")]), content_type="text/xml")
    site.put("/b.xml", rss(site, [("b-1", "/local/1", "Mon, 23 Nov 2026 08:00:00 GMT")]), content_type="text/xml")
    first, second = sources.add(f"{site.url}/a.xml"), sources.add(f"{site.url}/b.xml", feed="other")
    sources.poll(first)
    sources.poll(second)
    assert session.query(Article).count() == 1
    duplicate = session.scalar(select(SourceItem).where(SourceItem.guid == "b-1"))
    original = session.scalar(select(SourceItem).where(SourceItem.guid == "a-1"))
    assert duplicate is not None and original is not None
    assert (duplicate.status, duplicate.reason, duplicate.article_id) == ("skipped", "duplicate", original.article_id)


def test_the_same_text_under_another_url_is_a_duplicate_too(site: Site, sources: Sources, session: Session) -> None:
    site.put("/news/1", article_page("Town 1 library", story(1)))
    site.put("/mirror/1", article_page("Town 1 library", story(1)))
    items = [("1", "/news/1", "Mon, 23 Nov 2026 08:00:00 GMT"), ("m1", "/mirror/1", "Mon, 23 Nov 2026 07:00:00 GMT")]
    site.put("/feed.xml", rss(site, items), content_type="text/xml")
    sources.poll(sources.add(f"{site.url}/feed.xml"))
    assert session.query(Article).count() == 1
    mirror = session.scalar(select(SourceItem).where(SourceItem.guid == "m1"))
    assert mirror is not None and mirror.reason == "duplicate"


def test_include_by_path_prefix_and_exclude_by_pattern(site: Site, sources: Sources, session: Session) -> None:
    _feed(site, [1, 2], prefix="/news")
    items = [(str(n), f"/news/{n}", "Mon, 23 Nov 2026 08:00:00 GMT") for n in (1, 2)]
    items.append(("3", "/sport/3", "Mon, 23 Nov 2026 08:00:00 GMT"))
    site.put("/sport/3", article_page("Town 3 library", story(3)))
    site.put("/feed.xml", rss(site, items), content_type="text/xml")
    source = sources.add(
        f"{site.url}/feed.xml", include={"path_prefixes": ["/news/"]}, exclude={"pattern": r"/news/2$"}
    )
    sources.poll(source)
    assert [a.title for a in session.scalars(select(Article))] == ["Town 1 library"]
    counts = item_counts(session, [source.id])[source.id]
    assert counts.skipped == {"excluded": 2} and counts.narrated == 1 and counts.seen == 3


def test_an_item_another_feed_narrated_under_the_same_link_is_skipped_without_a_fetch(
    site: Site, sources: Sources, session: Session
) -> None:
    site.put("/news/1", article_page("Town 1 library", story(1)))
    listed = rss(site, [("1", "/news/1", "Mon, 23 Nov 2026 08:00:00 GMT")])
    site.put("/a.xml", listed, content_type="text/xml")
    site.put("/b.xml", listed.replace("<guid isPermaLink='false'>1</guid>", ""), content_type="text/xml")
    sources.poll(sources.add(f"{site.url}/a.xml"))
    sources.poll(sources.add(f"{site.url}/b.xml"))
    assert len(site.seen("/news/1")) == 1
    assert session.query(Article).count() == 1


def test_a_sources_formats_are_its_articles_formats(site: Site, sources: Sources, session: Session) -> None:
    _feed(site, [1])
    source = sources.add(f"{site.url}/feed.xml", formats=["aac", "opus"])
    sources.poll(source)
    assert [a.formats for a in session.scalars(select(Article))] == [["opus", "aac", "mp3"]]
