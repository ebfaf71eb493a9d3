"""GET /v1/articles: the project's articles, newest change first, searched and filtered (the console's list too)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings


def create(client: TestClient, title: str, **extra: str) -> str:
    answer = client.post("/v1/articles", json={"title": title, "text": f"{title}. Some words.", **extra})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


def test_articles_are_listed_newest_change_first_with_their_status(client: TestClient) -> None:
    first, second = create(client, "First"), create(client, "Second")
    listed = client.get("/v1/articles").json()
    assert [a["id"] for a in listed] == [second, first]
    assert {a["status"] for a in listed} == {"queued"}
    assert listed[0]["latest_narration"]["version"] == 1


def test_search_status_and_feed_filter_the_list(client: TestClient, settings: Settings) -> None:
    harbour = create(client, "Harbour at dawn", external_id="h-1")
    create(client, "Mountain pass")
    with session_scope(settings.database_url) as session:
        narration = records.latest_narration(session, harbour)
        assert narration is not None
        records.fail_narration(session, narration.id, "synthesis_failed", "broken")
    assert [a["id"] for a in client.get("/v1/articles", params={"q": "HARB"}).json()] == [harbour]
    assert [a["id"] for a in client.get("/v1/articles", params={"q": "h-1"}).json()] == [harbour]
    assert [a["id"] for a in client.get("/v1/articles", params={"status": "failed"}).json()] == [harbour]
    assert len(client.get("/v1/articles", params={"feed": ""}).json()) == 2
    assert client.get("/v1/articles", params={"feed": "daily"}).json() == []
    assert client.get("/v1/articles", params={"status": "lost"}).status_code == 422
