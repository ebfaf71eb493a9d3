"""The console's Sources page in system Chromium, with a source registered against a local publisher and polled
once: axe-core finds no serious or critical violation at 360 px and on a desktop, nothing overflows, a screenshot
of each page is kept; a source is added, paused and resumed from the page; an item leads to its article; an
unknown source is an HTML error page with its code."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from service.api.app import create_app
from service.api.deps import get_queue
from service.core.db import session_scope
from service.core.settings import Settings
from service.sources.poll import poll_source
from tests.api.conftest import RecordingQueue
from tests.browser.live import CHROMIUM, serve_app
from tests.browser.pages import check_page
from tests.sources.conftest import Site, article_page, rss, story

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install -y chromium)"),
]


@dataclass(frozen=True)
class Publisher:
    base_url: str  # the console's service
    site: Site
    source_id: str  # polled once: one story narrated, one excluded, one on a private address
    failing_id: str  # its one poll found no feed: source_malformed


@pytest.fixture(scope="module")
def publisher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Publisher]:
    """The app under uvicorn, a local publisher's feed and pages, and two sources each polled once (the worker's
    part, done here): what an editor finds on the Sources page."""
    site = Site()
    threading.Thread(target=site.server.serve_forever, daemon=True).start()
    site.put("/news/1", article_page("Council plans a library", story(1)))
    items = [("s1", "/news/1", "Mon, 02 Jun 2025 10:00:00 GMT"), ("s2", "/live-blog", "Mon, 02 Jun 2025 09:00:00 GMT")]
    items.append(("s3", "http://10.0.0.1/news/3", "Mon, 02 Jun 2025 08:00:00 GMT"))
    site.put("/rss.xml", rss(site, items), content_type="application/rss+xml")
    site.put("/broken.xml", "<html><body>no feed here</body></html>")
    root = tmp_path_factory.mktemp("sources-console")
    settings = Settings(data_dir=root / "data", fetch_allow_hosts=[f"127.0.0.1:{site.port}"])
    queue = RecordingQueue()
    app = create_app(settings)
    app.dependency_overrides[get_queue] = lambda: queue
    try:
        with serve_app(app) as base_url:
            api = httpx.Client(base_url=base_url)
            source = {"url": f"{site.url}/rss.xml", "interval_s": 600, "exclude": {"pattern": "/live-"}}
            source_id = api.post("/v1/sources", json=source).json()["id"]
            failing_id = api.post("/v1/sources", json={"url": f"{site.url}/broken.xml"}).json()["id"]
            with session_scope(settings.database_url) as session:
                assert poll_source(session, queue, settings, source_id).outcome == "changed"
                assert poll_source(session, queue, settings, failing_id).outcome == "failed"
            yield Publisher(base_url, site, source_id, failing_id)
    finally:
        site.server.shutdown()


def test_the_sources_list_is_accessible_at_both_widths(page: Any, publisher: Publisher) -> None:
    page.goto(publisher.base_url + "/console/sources")
    assert page.get_by_role("heading", level=1).inner_text() == "Sources"
    row = page.locator(f"#source-{publisher.failing_id}")
    assert "source_malformed" in row.inner_text() and "failing" in row.inner_text()
    assert "1 failed: url_forbidden" in page.locator(f"#source-{publisher.source_id}").inner_text()
    check_page(page, "sources")


def test_a_sources_page_is_accessible_and_its_item_leads_to_the_article(page: Any, publisher: Publisher) -> None:
    page.goto(f"{publisher.base_url}/console/sources/{publisher.source_id}")
    assert page.get_by_role("cell", name="url_forbidden").count() == 1
    assert page.get_by_role("cell", name="excluded").count() == 1
    check_page(page, "source")
    page.get_by_role("link", name=f"open the article of {publisher.site.url}/news/1").click()
    page.wait_for_url("**/console/articles/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Council plans a library"


def test_a_source_is_added_paused_resumed_and_deleted(page: Any, publisher: Publisher) -> None:
    page.goto(publisher.base_url + "/console/sources")
    page.get_by_label("Feed or sitemap URL").fill(f"{publisher.site.url}/{page.viewport_name}.xml")
    page.locator("#f-include_path_prefixes").fill("/news/")
    page.get_by_label("Poll every (seconds)").fill("300")
    page.get_by_role("button", name="Add the source").click()
    page.wait_for_url("**/console/sources/*?added=1")
    assert page.get_by_role("status").first.inner_text().startswith("Source added")
    assert "paths starting /news/" in page.locator(".facts").nth(1).inner_text()
    check_page(page, "source-added")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_url("**?paused=1")
    assert page.locator(".status-paused").first.inner_text() == "paused"
    page.get_by_role("button", name="Resume").click()
    page.wait_for_url("**?resumed=1")
    assert page.locator(".status-active").first.inner_text() == "active"
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Delete the source").click()
    page.wait_for_url("**/console/sources?deleted=1")
    assert asked == ["Delete this source? Its items are forgotten; the articles it made stay."]
    assert f"/{page.viewport_name}.xml" not in page.get_by_role("table").inner_text()


def test_an_unknown_source_is_an_html_error_page(page: Any, publisher: Publisher) -> None:
    response = page.goto(publisher.base_url + "/console/sources/0123456789abcdef")
    assert response.status == 404
    assert page.locator(".problem-code").inner_text() == "not_found"
    check_page(page, "error-404")
    page.get_by_role("link", name="Back to Sources").click()
    page.wait_for_url("**/console/sources")
