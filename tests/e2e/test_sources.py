"""Automatic intake end to end: `narrator serve` polls a changing local feed, narrates it, then only the edit."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.processes import NARRATOR, RunningService, free_port, running, service_env, wait_for_narration
from tests.sources.conftest import Site, article_page, rss, story

pytestmark = pytest.mark.e2e

MON, WED = "Mon, 23 Nov 2026 08:00:00 GMT", "Wed, 25 Nov 2026 08:00:00 GMT"


def _publish(site: Site, dates: dict[int, str], edited: dict[int, int] | None = None) -> None:
    items = [(str(n), f"/news/{n}", date) for n, date in dates.items()]
    site.put("/feed.xml", rss(site, items), content_type="application/rss+xml")
    for n in dates:
        site.put(f"/news/{n}", article_page(f"Town {n} library", story(n, edited=(edited or {}).get(n))))


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    site = Site()
    threading.Thread(target=site.server.serve_forever, daemon=True).start()
    _publish(site, {1: MON, 2: MON})
    try:
        yield site
    finally:
        site.server.shutdown()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, site: Site) -> Iterator[RunningService]:
    """The embedded default (its worker runs the maintenance loop that starts polls), allowed the site's port."""
    tmp_path = tmp_path_factory.mktemp("sources-service")
    port = free_port()
    allowed = f"127.0.0.1:{site.port}"
    env = service_env(tmp_path / "data", NARRATOR_FETCH_ALLOW_HOSTS=allowed, NARRATOR_WEBHOOK_ALLOW_HOSTS=allowed)
    with running([[NARRATOR, "serve", "--port", str(port)]], env, port, tmp_path / "logs"):
        yield RunningService(f"http://127.0.0.1:{port}", tmp_path / "data", env)


def _items(client: httpx.Client, source_id: str, count: int, timeout_s: float = 120) -> dict[str, dict]:
    """The source's items once `count` of them are narrated."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        items = {i["guid"]: i for i in client.get(f"/v1/sources/{source_id}/items").json()}
        if sum(i["status"] == "narrated" for i in items.values()) >= count:
            return items
        time.sleep(0.5)
    raise TimeoutError(f"source {source_id}: {count} items not narrated in {timeout_s} s")


def _latest(client: httpx.Client, article_id: str) -> dict:
    return client.get(f"/v1/articles/{article_id}").json()["latest_narration"]


@pytest.fixture(scope="module")
def first_poll(service: RunningService, site: Site) -> dict:
    with service.client() as client:
        assert client.post("/v1/webhooks", json={"url": f"{site.url}/hook"}).status_code == 201
        source = client.post("/v1/sources", json={"url": f"{site.url}/feed.xml", "interval_s": 600})
        assert source.status_code == 201, source.text
        items = _items(client, source.json()["id"], 2)
        narrations = {
            g: wait_for_narration(client, f"/v1/narrations/{_latest(client, i['article_id'])['id']}")
            for g, i in items.items()
        }
    return {"source": source.json()["id"], "items": items, "narrations": narrations}


def test_the_worker_polls_a_new_source_and_narrates_its_items(first_poll: dict) -> None:
    assert {g: n["status"] for g, n in first_poll["narrations"].items()} == {"1": "done", "2": "done"}
    assert all(n["segments"]["synthesized"] == 4 for n in first_poll["narrations"].values())  # title + 3


def test_webhooks_fire_for_the_narrations_a_source_made(site: Site, first_poll: dict) -> None:
    articles = {i["article_id"] for i in first_poll["items"].values()}
    deadline = time.monotonic() + 60
    while True:
        events = [json.loads(r.body) for r in site.requests if r.path == "/hook"]
        completed = {e["data"]["article_id"] for e in events if e["type"] == "narration.completed"}
        if completed >= articles or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert completed >= articles


def test_an_edited_item_is_narrated_again_from_one_new_segment(
    service: RunningService, site: Site, first_poll: dict
) -> None:
    _publish(site, {1: WED, 2: MON}, edited={1: 1})
    article = first_poll["items"]["1"]["article_id"]
    with service.client() as client:
        assert client.post(f"/v1/sources/{first_poll['source']}/poll").status_code == 202
        deadline = time.monotonic() + 120
        while (latest := _latest(client, article))["id"] == first_poll["narrations"]["1"]["id"]:
            assert time.monotonic() < deadline, "the edit was not picked up"
            time.sleep(0.5)
        narration = wait_for_narration(client, f"/v1/narrations/{latest['id']}")
        other = _latest(client, first_poll["items"]["2"]["article_id"])
    assert narration["status"] == "done", narration["error"]
    assert narration["segments"] == {"total": 4, "cached": 3, "synthesized": 1}
    assert other["id"] == first_poll["narrations"]["2"]["id"]  # unchanged item: no new narration
