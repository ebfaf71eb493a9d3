"""PUT /v1/feeds/{slug}: editing a feed's channel; its slug and podcast:guid stay."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_feeds import FEED

CHANNEL = {k: v for k, v in FEED.items() if k != "slug"}


@pytest.fixture
def feed(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/feeds", json=FEED)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_editing_replaces_the_channel_and_keeps_the_guid(client: TestClient, feed: dict[str, Any]) -> None:
    edited = {**CHANNEL, "title": "The Evening Paper", "category": "Arts", "subcategory": "Books", "explicit": True}
    response = client.put(f"/v1/feeds/{feed['slug']}", json=edited)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["title"], body["category"], body["subcategory"], body["explicit"]) == (
        "The Evening Paper",
        "Arts",
        "Books",
        True,
    )
    assert (body["guid"], body["rss_url"]) == (feed["guid"], feed["rss_url"])
    assert client.get(f"/v1/feeds/{feed['slug']}").json() == body
    assert b"The Evening Paper" in client.get(f"/feeds/{feed['slug']}.xml").content


def test_an_edit_is_checked_like_a_creation(client: TestClient, feed: dict[str, Any]) -> None:
    response = client.put(f"/v1/feeds/{feed['slug']}", json={**CHANNEL, "category": "Gossip"})
    assert (response.status_code, response.json()["code"]) == (422, "validation_failed")
    response = client.put(f"/v1/feeds/{feed['slug']}", json={**CHANNEL, "slug": "renamed"})
    assert (response.status_code, response.json()["code"]) == (422, "validation_failed")


def test_editing_an_unknown_feed_is_a_404(client: TestClient) -> None:
    response = client.put("/v1/feeds/nope", json=CHANNEL)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
