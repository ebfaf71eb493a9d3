"""Polling a publisher's feed: new items narrated, unchanged polls conditional, edits incremental."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.articles import records
from service.core.models import Article, Dispatch, Narration, SourceItem, utcnow
from service.core.queue import NARRATE_TASK
from tests.sources.conftest import Site, Sources, article_page, rss, story

MON = "Mon, 23 Nov 2026 08:00:00 GMT"
TUE = "Tue, 24 Nov 2026 08:00:00 GMT"
WED = "Wed, 25 Nov 2026 08:00:00 GMT"


def _publish(site: Site, items: list[tuple[str, str, str]], edited: dict[int, int] | None = None) -> None:
    site.put("/feed.xml", rss(site, items), content_type="application/rss+xml")
    for guid, path, _date in items:
        n = int(guid)
        site.put(path, article_page(f"Town {n} library", story(n, edited=(edited or {}).get(n))))


def _narrations(session: Session, article_id: str) -> list[Narration]:
    return records.list_narrations(session, article_id)


def test_the_first_poll_narrates_every_new_item(site: Site, sources: Sources, session: Session) -> None:
    _publish(site, [("1", "/news/1", MON), ("2", "/news/2", TUE)])
    source = sources.add(f"{site.url}/feed.xml")
    result = sources.poll(source)
    assert result.outcome == "changed"
    articles = session.scalars(select(Article).order_by(Article.title)).all()
    assert [a.title for a in articles] == ["Town 1 library", "Town 2 library"]
    assert all(a.source_kind == "url" and a.project_id == "default" for a in articles)
    queued = session.scalars(select(Dispatch).where(Dispatch.task == NARRATE_TASK)).all()
    assert len(queued) == 2 and all(d.sent_at is not None for d in queued)  # published on the embedded broker
    assert source.kind == "feed" and source.last_success_at is not None and source.last_error_code is None


def test_an_unchanged_feed_is_asked_for_conditionally_and_narrates_nothing(
    site: Site, sources: Sources, session: Session
) -> None:
    _publish(site, [("1", "/news/1", MON)])
    source = sources.add(f"{site.url}/feed.xml")
    sources.poll(source)
    narrations_before = session.query(Narration).count()
    result = sources.poll(source)
    assert result.outcome == "not_modified"
    second = site.seen("/feed.xml")[-1]
    assert second.headers.get("If-None-Match") == source.etag
    assert second.status == 304
    assert len(site.seen("/news/1")) == 1  # the page was not fetched again
    assert session.query(Narration).count() == narrations_before


def test_an_edited_item_is_narrated_again_with_only_its_changed_paragraph(
    site: Site, sources: Sources, session: Session
) -> None:
    _publish(site, [("1", "/news/1", MON), ("2", "/news/2", MON)])
    source = sources.add(f"{site.url}/feed.xml")
    sources.poll(source)
    item = session.scalar(select(SourceItem).where(SourceItem.guid == "1"))
    assert item is not None and item.article_id is not None
    before = records.document_of(session.get(Article, item.article_id)).blocks
    _publish(site, [("1", "/news/1", WED), ("2", "/news/2", MON)], edited={1: 1})  # new date, paragraph 2 edited
    sources.poll(source)
    article = session.get(Article, item.article_id)
    after = records.document_of(article).blocks
    narrations = _narrations(session, article.id)
    assert [n.reason for n in narrations] == ["edited", "created"]
    changed = [i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    assert len(changed) == 1  # one block's text (and so one segment's key) differs: the rest comes from the cache
    assert "Correction for town number 1" in after[changed[0]].text
    untouched = session.scalar(select(SourceItem).where(SourceItem.guid == "2"))
    assert untouched is not None and len(_narrations(session, untouched.article_id or "")) == 1
    assert len(site.seen("/news/2")) == 1  # its listing did not change: not fetched again


def test_an_item_removed_from_the_feed_is_left_alone(site: Site, sources: Sources, session: Session) -> None:
    _publish(site, [("1", "/news/1", MON), ("2", "/news/2", TUE)])
    source = sources.add(f"{site.url}/feed.xml")
    sources.poll(source)
    _publish(site, [("2", "/news/2", TUE)])
    result = sources.poll(source)
    assert result.outcome == "changed"
    item = session.scalar(select(SourceItem).where(SourceItem.guid == "1"))
    assert item is not None and item.status == "narrated" and item.article_id is not None
    assert session.get(Article, item.article_id) is not None
    assert len(_narrations(session, item.article_id)) == 1


def test_a_server_error_backs_off_and_the_next_good_poll_recovers(site: Site, sources: Sources) -> None:
    site.put("/feed.xml", "oops", status=500)
    source = sources.add(f"{site.url}/feed.xml")
    started = utcnow()
    sources.poll(source)
    assert source.last_error_code == "fetch_failed" and "HTTP 500" in (source.last_error_message or "")
    assert source.failures == 1
    assert source.next_poll_at >= started + timedelta(seconds=source.interval_s)  # at least the interval
    sources.poll(source)
    assert source.failures == 2
    assert source.next_poll_at >= utcnow() + timedelta(seconds=source.interval_s * 2 - 1)  # doubled
    _publish(site, [("1", "/news/1", MON)])
    result = sources.poll(source)
    assert result.outcome == "changed"
    assert source.failures == 0 and source.last_error_code is None
    assert source.next_poll_at <= utcnow() + timedelta(seconds=source.interval_s)


def test_a_timeout_backs_off_and_recovers(site: Site, sources: Sources) -> None:
    _publish(site, [("1", "/news/1", MON)])
    site.resources["/feed.xml"].delay_s = 2.0  # the fetch timeout is 1 s
    source = sources.add(f"{site.url}/feed.xml")
    sources.poll(source)
    assert source.last_error_code == "fetch_failed" and "timed out" in (source.last_error_message or "")
    assert source.failures == 1
    site.resources["/feed.xml"].delay_s = 0.0
    assert sources.poll(source).outcome == "changed"
    assert source.failures == 0 and source.last_success_at is not None


def test_retry_after_is_honoured(site: Site, sources: Sources) -> None:
    site.put("/feed.xml", "slow down", status=503, headers={"Retry-After": "7200"})
    source = sources.add(f"{site.url}/feed.xml")
    sources.poll(source)
    assert source.next_poll_at >= utcnow() + timedelta(seconds=7100)


def test_cache_control_max_age_longer_than_the_interval_is_honoured(site: Site, sources: Sources) -> None:
    _publish(site, [("1", "/news/1", MON)])
    site.resources["/feed.xml"].headers = {"Cache-Control": "public, max-age=3600"}
    source = sources.add(f"{site.url}/feed.xml")
    sources.poll(source)
    assert source.next_poll_at >= utcnow() + timedelta(seconds=3500)


def test_items_on_a_private_address_are_refused_one_by_one(site: Site, sources: Sources, session: Session) -> None:
    # The settings allow 127.0.0.1 on the site's port only; 127.0.0.2 is another, unlisted private address.
    elsewhere = f"http://127.0.0.2:{site.port}"
    _publish(site, [("1", "/news/1", MON)])
    items = [("1", "/news/1", MON), ("2", f"{elsewhere}/news/2", TUE), ("3", "http://10.0.0.7/news/3", TUE)]
    site.put("/feed.xml", rss(site, items), content_type="application/rss+xml")
    source = sources.add(f"{site.url}/feed.xml")
    result = sources.poll(source)
    assert result.outcome == "changed" and source.last_error_code is None  # the poll itself is fine
    by_guid = {i.guid: i for i in session.scalars(select(SourceItem))}
    assert by_guid["1"].status == "narrated"
    assert (by_guid["2"].status, by_guid["2"].reason) == ("failed", "url_forbidden")
    assert (by_guid["3"].status, by_guid["3"].reason) == ("failed", "url_forbidden")
    assert session.query(Article).count() == 1


def test_last_modified_is_sent_back_as_if_modified_since(site: Site, sources: Sources) -> None:
    _publish(site, [("1", "/news/1", MON)])
    site.resources["/feed.xml"].headers = {"Last-Modified": MON}
    source = sources.add(f"{site.url}/feed.xml")
    sources.poll(source)
    sources.poll(source)
    assert site.seen("/feed.xml")[-1].headers.get("If-Modified-Since") == MON
