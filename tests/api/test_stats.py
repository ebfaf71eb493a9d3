"""Anonymous listening stats: the player's beacons and their summary."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.core.db import session_scope
from service.core.models import ListenEvent
from service.core.settings import Settings

BEACON = {"content-type": "text/plain;charset=UTF-8"}  # what navigator.sendBeacon sends for a string


@pytest.fixture
def article_id(client: TestClient) -> str:
    return client.post("/v1/articles", json={"title": "T", "text": "Body."}).json()["id"]


def send(client: TestClient, article_id: str, body: str, headers: dict[str, str] = BEACON) -> int:
    return client.post(f"/v1/articles/{article_id}/events", content=body, headers=headers).status_code


def test_new_article_has_no_listens(client: TestClient, article_id: str) -> None:
    assert client.get(f"/v1/articles/{article_id}/stats").json() == {
        "article_id": article_id,
        "plays": 0,
        "reached": {"25": 0, "50": 0, "75": 0, "100": 0},
        "completion_rate": None,
    }


def test_beacons_are_counted(client: TestClient, article_id: str) -> None:
    for _ in range(4):
        assert send(client, article_id, '{"event":"play"}') == 204
    for percent, times in ((25, 3), (50, 2), (75, 2), (100, 1)):
        for _ in range(times):
            assert send(client, article_id, f'{{"event":"progress","percent":{percent}}}') == 204
    stats = client.get(f"/v1/articles/{article_id}/stats").json()
    assert stats["plays"] == 4
    assert stats["reached"] == {"25": 3, "50": 2, "75": 2, "100": 1}
    assert stats["completion_rate"] == 0.25


def test_json_content_type_is_accepted_too(client: TestClient, article_id: str) -> None:
    assert send(client, article_id, '{"event":"play"}', {"content-type": "application/json"}) == 204


def test_beacon_is_accepted_from_another_site(client: TestClient, article_id: str) -> None:
    response = client.post(
        f"/v1/articles/{article_id}/events",
        content='{"event":"play"}',
        headers={**BEACON, "origin": "https://publisher.example"},
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "body",
    [
        '{"event":"progress"}',
        '{"event":"progress","percent":30}',
        '{"event":"play","percent":25}',
        '{"event":"skip"}',
        '{"event":"play","ip":"1.2.3.4"}',
        "not json",
        "",
    ],
)
def test_invalid_events_are_422(client: TestClient, article_id: str, body: str) -> None:
    response = client.post(f"/v1/articles/{article_id}/events", content=body, headers=BEACON)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_events_for_unknown_article_are_404(client: TestClient) -> None:
    assert send(client, "nope", '{"event":"play"}') == 404
    assert client.get("/v1/articles/nope/stats").status_code == 404


def test_events_keep_nothing_about_the_listener(client: TestClient, settings: Settings, article_id: str) -> None:
    send(
        client,
        article_id,
        '{"event":"play"}',
        {**BEACON, "user-agent": "Listener/1.0", "x-forwarded-for": "203.0.113.9"},
    )
    with session_scope(settings.database_url) as session:
        event = session.scalars(select(ListenEvent)).one()
        stored = {c.name: getattr(event, c.name) for c in ListenEvent.__table__.columns}
    assert set(stored) == {"id", "article_id", "narration_id", "kind", "created_at"}
    assert "203.0.113.9" not in repr(stored) and "Listener" not in repr(stored)


def test_deleting_the_article_deletes_its_events(client: TestClient, settings: Settings, article_id: str) -> None:
    send(client, article_id, '{"event":"play"}')
    assert client.delete(f"/v1/articles/{article_id}").status_code == 204
    with session_scope(settings.database_url) as session:
        assert session.scalars(select(ListenEvent)).all() == []
