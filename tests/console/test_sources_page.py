"""The console's sources page: add a source, see its polls, error and counts, pause, resume, poll now, delete,
and its items with what became of each."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.core.db import session_scope
from service.core.models import Dispatch, Source
from service.core.queue import POLL_SOURCE_TASK
from service.core.settings import Settings
from service.sources.poll import poll_source
from tests.api.conftest import RecordingQueue
from tests.console.conftest import csrf_of, make_key, sign_in
from tests.sources.conftest import Site, article_page, rss, story

FEED_URL = "https://news.example/rss.xml"  # never fetched: nothing polls in these tests unless they say so


def add(client: TestClient, **fields: object) -> Any:
    """Post the add-a-source form with the CSRF token of the page it is on."""
    token = csrf_of(client.get("/console/sources").text)
    data = {"url": FEED_URL, "interval_s": "600", "priority": "now", "backfill": "on", **fields}
    filled = {name: value for name, value in data.items() if value is not None}  # None: left out, as unchecked
    return client.post("/console/sources", data={**filled, "csrf_token": token})


def act(client: TestClient, source_id: str, action: str) -> Any:
    token = csrf_of(client.get(f"/console/sources/{source_id}").text)
    return client.post(f"/console/sources/{source_id}/{action}", data={"csrf_token": token})


@pytest.fixture
def added(client: TestClient) -> str:
    response = add(client)
    assert response.status_code == 303, response.text
    return str(client.get("/v1/sources").json()[0]["id"])


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    threading.Thread(target=site.server.serve_forever, daemon=True).start()
    try:
        yield site
    finally:
        site.server.shutdown()


@pytest.fixture
def polled(client: TestClient, settings: Settings, queue: RecordingQueue, site: Site) -> str:
    """A source polled once (as a worker would): one story narrated, one excluded, one on a private address."""
    site.put("/news/1", article_page("Story 1", story(1)))
    items = [("s1", "/news/1", "Mon, 02 Jun 2025 10:00:00 GMT"), ("s2", "/live-blog", "Mon, 02 Jun 2025 09:00:00 GMT")]
    items.append(("s3", "http://10.0.0.1/news/3", "Mon, 02 Jun 2025 08:00:00 GMT"))
    site.put("/rss.xml", rss(site, items), content_type="application/rss+xml")
    response = add(client, url=f"{site.url}/rss.xml", exclude_pattern="/live-")
    source_id = response.headers["location"].split("/")[-1].split("?")[0]
    allowed = settings.model_copy(update={"fetch_allow_hosts": [f"127.0.0.1:{site.port}"]})
    with session_scope(settings.database_url) as session:
        assert poll_source(session, queue, allowed, source_id).outcome == "changed"
    return source_id


def test_adding_a_source_registers_it_as_the_api_would(client: TestClient) -> None:
    response = add(
        client,
        include_path_prefixes="/world/, /science/",
        exclude_pattern="/live-",
        first_poll_newest="3",
        backfill=None,
        priority="backfill",
        voice="en_US-joe-medium",
        quote_voice="en_US-joe-medium",
    )
    [source] = client.get("/v1/sources").json()
    assert (response.status_code, response.headers["location"]) == (303, f"/console/sources/{source['id']}?added=1")
    assert (source["url"], source["interval_s"], source["priority"]) == (FEED_URL, 600, "backfill")
    assert source["include"] == {"path_prefixes": ["/world/", "/science/"]}
    assert source["exclude"] == {"pattern": "/live-"}
    assert (source["first_poll_newest"], source["backfill"]) == (3, False)
    assert (source["voice"], source["section_voices"]) == ("en_US-joe-medium", {"quote": "en_US-joe-medium"})
    assert "Source added" in client.get(response.headers["location"]).text


def test_blank_rules_are_no_rules(client: TestClient) -> None:
    add(client, include_categories=" ", include_path_prefixes=", ,", exclude_pattern="")
    [source] = client.get("/v1/sources").json()
    assert (source["include"], source["exclude"], source["backfill"]) == ({}, {}, True)


def test_a_pattern_that_is_not_a_regular_expression_is_refused_beside_its_field(client: TestClient) -> None:
    response = add(client, exclude_pattern="(unclosed")
    assert response.status_code == 422
    assert re.search(r'id="f-exclude_pattern-error">[^<]*not a regular expression', response.text)
    assert 'value="(unclosed"' in response.text  # what was typed is kept
    assert client.get("/v1/sources").json() == []


def test_an_interval_out_of_range_is_refused_beside_its_field(client: TestClient) -> None:
    response = add(client, interval_s="5")
    assert response.status_code == 422
    assert 'id="f-interval_s-error"' in response.text


def test_a_url_the_project_already_follows_is_refused_beside_the_url(client: TestClient, added: str) -> None:
    response = add(client)
    assert response.status_code == 409
    assert re.search(rf'id="f-url-error">source {added} already polls', response.text)


def test_the_list_shows_state_polls_and_counts(client: TestClient, polled: str) -> None:
    page = client.get("/console/sources").text
    row = page.split(f'id="source-{polled}"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="status status-active">active</span>' in row
    assert re.search(r'data-label="Last poll"><time datetime="[^"]+">', row)
    assert re.search(r'data-label="Last success"><time', row)
    assert 'data-label="Last error">none' in row
    for count in ("3 seen", "1 narrated", "1 skipped: excluded", "1 failed: <code>url_forbidden</code>"):
        assert f"<li>{count}</li>" in row, count
    assert re.search(r'data-label="Next poll"><time datetime=', row)


def test_a_failed_poll_shows_its_error_code(client: TestClient, settings: Settings, queue: RecordingQueue) -> None:
    site = Site()
    threading.Thread(target=site.server.serve_forever, daemon=True).start()
    try:
        site.put("/feed.xml", "<html><body>no feed here</body></html>")
        source_id = add(client, url=f"{site.url}/feed.xml").headers["location"].split("/")[-1].split("?")[0]
        allowed = settings.model_copy(update={"fetch_allow_hosts": [f"127.0.0.1:{site.port}"]})
        with session_scope(settings.database_url) as session:
            poll_source(session, queue, allowed, source_id)
    finally:
        site.server.shutdown()
    row = client.get("/console/sources").text.split(f'id="source-{source_id}"', 1)[1].split("</tr>", 1)[0]
    assert 'status-failed">failing</span> <span class="note">(1 in a row)' in row
    assert re.search(r'data-label="Last error"><code>source_malformed</code> \S', row)
    assert 'data-label="Last success">never' in row


def item_row(page: str, url: str) -> str:
    """The items table's row of the item at `url`, its whitespace folded."""
    for row in page.split('<tr id="item-')[1:]:
        if f'<a href="{url}">' in row.split("</tr>", 1)[0]:
            return re.sub(r"\s+", " ", row.split("</tr>", 1)[0])
    raise AssertionError(f"no item {url}")


def test_a_sources_items_show_status_reason_and_the_article(client: TestClient, polled: str, site: Site) -> None:
    page = client.get(f"/console/sources/{polled}").text
    narrated = item_row(page, f"{site.url}/news/1")
    assert "status-item-narrated" in narrated and 'data-label="Why">created' in narrated
    assert re.search(r'href="/console/articles/[0-9a-f]+">open', narrated)
    assert 'data-label="Why">excluded' in item_row(page, f"{site.url}/live-blog")
    assert 'data-label="Why"><code>url_forbidden</code>' in item_row(page, "http://10.0.0.1/news/3")


def test_pausing_and_resuming(client: TestClient, added: str) -> None:
    response = act(client, added, "pause")
    assert (response.status_code, response.headers["location"]) == (303, f"/console/sources/{added}?paused=1")
    page = client.get(response.headers["location"]).text
    assert client.get(f"/v1/sources/{added}").json()["paused"] is True
    assert '<span class="status status-paused">paused</span>' in page and "not while paused" in page
    assert f'action="/console/sources/{added}/resume"' in page and f"/{added}/poll" not in page
    act(client, added, "resume")
    assert client.get(f"/v1/sources/{added}").json()["paused"] is False


def test_poll_now_puts_a_poll_in_the_outbox(client: TestClient, settings: Settings, added: str) -> None:
    response = act(client, added, "poll")
    assert (response.status_code, response.headers["location"]) == (303, f"/console/sources/{added}?polled=1")
    with session_scope(settings.database_url) as session:
        polls = session.scalars(select(Dispatch).where(Dispatch.task == POLL_SOURCE_TASK)).all()
        assert [d.args for d in polls] == [[added]]


def test_deleting_a_source(client: TestClient, added: str) -> None:
    response = act(client, added, "delete")
    assert (response.status_code, response.headers["location"]) == (303, "/console/sources?deleted=1")
    assert client.get("/v1/sources").json() == []
    assert "Source deleted" in client.get(response.headers["location"]).text


def test_a_key_without_sources_write_sees_the_sources_read_only(
    client: TestClient, settings: Settings, added: str
) -> None:
    sign_in(client, make_key(settings, ["articles:read"]))
    listing = client.get("/console/sources").text
    assert FEED_URL in listing and '<form method="post" action="/console/sources"' not in listing
    page = client.get(f"/console/sources/{added}").text
    assert "<code>sources:write</code> scope" in page and f"/console/sources/{added}/pause" not in page
    refused = client.post(f"/console/sources/{added}/pause", data={"csrf_token": csrf_of(page)})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    with session_scope(settings.database_url) as session:
        assert session.get(Source, added).paused is False  # type: ignore[union-attr]
