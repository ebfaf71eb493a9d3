"""Anonymous listening stats: the player's beacons and their summary."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.core.db import session_scope
from service.core.models import ListenEvent
from service.core.settings import Settings

BEACON = {"content-type": "text/plain;charset=UTF-8"}  # what navigator.sendBeacon sends for a string


@pytest.fixture
def article_id(client: TestClient) -> str:
    return client.post("/v1/articles", json={"title": "T", "text": "Body."}).json()["id"]


def listen_id(n: int = 0) -> str:
    """A listen id as the player makes one (32 hex digits)."""
    return f"{n:032x}"


def send(client: TestClient, article_id: str, body: str, headers: dict[str, str] = BEACON) -> int:
    return client.post(f"/v1/articles/{article_id}/events", content=body, headers=headers).status_code


def beacon(kind: str, listen: int = 0) -> str:
    """A beacon body: "play" or a percent reached, in listen number `listen`."""
    fields = {"event": "play"} if kind == "play" else {"event": "progress", "percent": int(kind)}
    return json.dumps({**fields, "listen": listen_id(listen)})


def test_new_article_has_no_listens(client: TestClient, article_id: str) -> None:
    assert client.get(f"/v1/articles/{article_id}/stats").json() == {
        "article_id": article_id,
        "plays": 0,
        "reached": {"25": 0, "50": 0, "75": 0, "100": 0},
        "completion_rate": None,
    }


def test_beacons_are_counted(client: TestClient, article_id: str) -> None:
    for listen in range(4):
        assert send(client, article_id, beacon("play", listen)) == 204
    for percent, times in (("25", 3), ("50", 2), ("75", 2), ("100", 1)):
        for listen in range(times):
            assert send(client, article_id, beacon(percent, listen)) == 204
    stats = client.get(f"/v1/articles/{article_id}/stats").json()
    assert stats["plays"] == 4
    assert stats["reached"] == {"25": 3, "50": 2, "75": 2, "100": 1}
    assert stats["completion_rate"] == 0.25


def test_json_content_type_is_accepted_too(client: TestClient, article_id: str) -> None:
    assert send(client, article_id, beacon("play"), {"content-type": "application/json"}) == 204


def test_beacon_is_accepted_from_another_site(client: TestClient, article_id: str) -> None:
    response = client.post(
        f"/v1/articles/{article_id}/events",
        content=beacon("play"),
        headers={**BEACON, "origin": "https://publisher.example"},
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "body",
    [
        '{"event":"progress","listen":"00000000000000000000000000000000"}',
        '{"event":"progress","percent":30,"listen":"00000000000000000000000000000000"}',
        '{"event":"play","percent":25,"listen":"00000000000000000000000000000000"}',
        '{"event":"skip","listen":"00000000000000000000000000000000"}',
        '{"event":"play","ip":"1.2.3.4","listen":"00000000000000000000000000000000"}',
        '{"event":"play"}',
        '{"event":"play","listen":"short"}',
        "not json",
        "",
    ],
)
def test_invalid_events_are_422(client: TestClient, article_id: str, body: str) -> None:
    response = client.post(f"/v1/articles/{article_id}/events", content=body, headers=BEACON)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_events_for_unknown_article_are_404(client: TestClient) -> None:
    assert send(client, "nope", beacon("play")) == 404
    assert client.get("/v1/articles/nope/stats").status_code == 404


def test_events_keep_nothing_about_the_listener(client: TestClient, settings: Settings, article_id: str) -> None:
    send(
        client,
        article_id,
        beacon("play"),
        {**BEACON, "user-agent": "Listener/1.0", "x-forwarded-for": "203.0.113.9"},
    )
    with session_scope(settings.database_url) as session:
        event = session.scalars(select(ListenEvent)).one()
        stored = {c.name: getattr(event, c.name) for c in ListenEvent.__table__.columns}
    assert set(stored) == {"id", "article_id", "narration_id", "kind", "created_at"}
    assert "203.0.113.9" not in repr(stored) and "Listener" not in repr(stored)
    assert listen_id(0) not in repr(stored)


def test_deleting_the_article_deletes_its_events(client: TestClient, settings: Settings, article_id: str) -> None:
    send(client, article_id, beacon("play"))
    assert client.delete(f"/v1/articles/{article_id}").status_code == 204
    with session_scope(settings.database_url) as session:
        assert session.scalars(select(ListenEvent)).all() == []


def refused(response_status: int, response_json: dict[str, object]) -> bool:
    return response_status == 422 and response_json["code"] == "implausible_listen"


def post(client: TestClient, article_id: str, body: str) -> tuple[int, dict[str, object]]:
    response = client.post(f"/v1/articles/{article_id}/events", content=body, headers=BEACON)
    return response.status_code, response.json() if response.content else {}


def test_progress_before_a_play_is_refused_and_not_counted(client: TestClient, article_id: str) -> None:
    assert refused(*post(client, article_id, beacon("100", listen=7)))
    assert client.get(f"/v1/articles/{article_id}/stats").json()["reached"]["100"] == 0


def test_a_play_of_another_article_does_not_open_this_ones_listen(client: TestClient, article_id: str) -> None:
    other = client.post("/v1/articles", json={"text": "Other."}).json()["id"]
    assert send(client, other, beacon("play", listen=3)) == 204
    assert refused(*post(client, article_id, beacon("25", listen=3)))


def test_a_quartile_twice_in_one_listen_is_refused_and_counted_once(client: TestClient, article_id: str) -> None:
    assert send(client, article_id, beacon("play")) == 204
    assert send(client, article_id, beacon("25")) == 204
    assert refused(*post(client, article_id, beacon("25")))
    assert client.get(f"/v1/articles/{article_id}/stats").json()["reached"]["25"] == 1


def test_a_second_play_in_one_listen_is_refused(client: TestClient, article_id: str) -> None:
    assert send(client, article_id, beacon("play")) == 204
    assert refused(*post(client, article_id, beacon("play")))
    assert client.get(f"/v1/articles/{article_id}/stats").json()["plays"] == 1


def test_plays_over_the_address_limit_are_refused_and_their_listens_count_nothing(
    app_with: Callable[..., FastAPI],
) -> None:
    app = app_with(listen_plays_per_address="3/minute")
    with TestClient(app) as client, TestClient(app, client=("203.0.113.7", 40000)) as elsewhere:
        article_id = client.post("/v1/articles", json={"text": "Body."}).json()["id"]
        for listen in range(3):
            assert send(client, article_id, beacon("play", listen)) == 204
        assert refused(*post(client, article_id, beacon("play", listen=3)))
        assert refused(*post(client, article_id, beacon("25", listen=3)))  # its play was never counted
        assert send(elsewhere, article_id, beacon("play", listen=4)) == 204  # another address is not limited
        assert client.get(f"/v1/articles/{article_id}/stats").json()["plays"] == 4
