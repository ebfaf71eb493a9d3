"""Polls, their errors and items are counted by source (the worker's /metrics)."""

from __future__ import annotations

from prometheus_client import REGISTRY

from tests.sources.conftest import Site, Sources, article_page, rss, story


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_polls_errors_and_items_are_counted_by_source(site: Site, sources: Sources) -> None:
    site.put("/feed.xml", "broken", status=500)
    source = sources.add(f"{site.url}/feed.xml")
    sources.poll(source)
    site.put("/news/1", article_page("Town 1 library", story(1)))
    site.put("/feed.xml", rss(site, [("1", "/news/1", "Mon, 23 Nov 2026 08:00:00 GMT")]), content_type="text/xml")
    sources.poll(source)
    sources.poll(source)
    assert _value("narrator_source_poll_errors_total", source=source.id, code="fetch_failed") == 1
    polls = {o: _value("narrator_source_polls_total", source=source.id, outcome=o) for o in ("failed", "changed")}
    assert polls == {"failed": 1, "changed": 1}
    assert _value("narrator_source_polls_total", source=source.id, outcome="not_modified") == 1
    assert _value("narrator_source_items_total", source=source.id, outcome="narrated") == 1
