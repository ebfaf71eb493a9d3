"""Rate limits: per API key, per client address without one; 429 problem+json with Retry-After and the IETF headers."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.core.settings import Settings
from tests.api.test_access import make_key
from tests.api.test_stats import BEACON, beacon
from tests.processes import free_port

PROBLEM = "application/problem+json"
STORAGES = ["memory", "redis"]


@pytest.fixture
def storage(request: pytest.FixtureRequest) -> str:
    """The counters' storage: this process's memory, or an emptied Redis database (the production one)."""
    if request.param == "memory":
        return "memory://"
    url = str(request.getfixturevalue("redis_url")).rsplit("/", 1)[0] + "/5"
    redis.Redis.from_url(url).flushdb()  # the counts of earlier tests (same addresses) are gone
    return url


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_limited(response: httpx.Response, policy: str) -> int:
    """The answer is the 429 of `policy`; returns its Retry-After."""
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "rate_limited"
    assert response.headers["ratelimit-policy"] == policy
    retry_after = int(response.headers["retry-after"])
    name = policy.partition(";")[0]
    assert response.headers["ratelimit"] == f"{name};r=0;t={retry_after}"
    return retry_after


@pytest.mark.parametrize("storage", STORAGES, indirect=True)
def test_the_request_over_the_key_limit_is_429_and_passes_again_after_the_window(
    app_with: Callable[..., FastAPI], settings: Settings, storage: str
) -> None:
    with TestClient(app_with(rate_limit_per_key="3 per 3 seconds", rate_limit_storage=storage)) as client:
        key = bearer(make_key(settings, ["admin"]))
        answers = [client.get("/v1/feeds", headers=key) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert [a.headers["ratelimit"].split(";")[1] for a in answers] == ["r=2", "r=1", "r=0"]
        assert answers[0].headers["ratelimit-policy"] == '"key";q=3;w=3'
        retry_after = assert_limited(client.get("/v1/feeds", headers=key), '"key";q=3;w=3')
        assert 1 <= retry_after <= 3
        time.sleep(retry_after + 0.1)
        again = client.get("/v1/feeds", headers=key)
        assert again.status_code == 200
        assert again.headers["ratelimit"].split(";")[1] == "r=2"


def test_each_key_has_its_own_count(app_with: Callable[..., FastAPI], settings: Settings) -> None:
    with TestClient(app_with(rate_limit_per_key="2/minute")) as client:
        first, second = bearer(make_key(settings, ["admin"])), bearer(make_key(settings, ["admin"]))
        for _ in range(2):
            assert client.get("/v1/feeds", headers=first).status_code == 200
        assert_limited(client.get("/v1/feeds", headers=first), '"key";q=2;w=60')
        assert client.get("/v1/feeds", headers=second).status_code == 200


def test_while_no_key_exists_the_speech_endpoint_is_limited_per_address(app_with: Callable[..., FastAPI]) -> None:
    app = app_with(rate_limit_per_address="2/minute")
    with TestClient(app) as client, TestClient(app, client=("203.0.113.7", 40000)) as elsewhere:
        for _ in range(2):  # counted before the body is read: an empty one is still a request
            assert client.post("/v1/audio/speech", json={}).status_code == 422
        assert_limited(client.post("/v1/audio/speech", json={}), '"address";q=2;w=60')
        assert elsewhere.post("/v1/audio/speech", json={}).status_code == 422
        assert client.get("/v1/voices").status_code == 200  # reads are not counted


@pytest.mark.parametrize("storage", STORAGES, indirect=True)
def test_listening_events_are_limited_per_address_once_keys_exist(
    app_with: Callable[..., FastAPI], settings: Settings, storage: str
) -> None:
    app = app_with(rate_limit_per_address="3/minute", rate_limit_storage=storage)
    with TestClient(app) as client, TestClient(app, client=("203.0.113.7", 40000)) as elsewhere:
        key = bearer(make_key(settings, ["admin"]))
        events = f"/v1/articles/{client.post('/v1/articles', json={'text': 'Body.'}, headers=key).json()['id']}/events"
        for kind in ("play", "25", "50"):
            assert client.post(events, content=beacon(kind), headers=BEACON).status_code == 204
        assert_limited(client.post(events, content=beacon("75"), headers=BEACON), '"address";q=3;w=60')
        assert elsewhere.post(events, content=beacon("play", 1), headers=BEACON).status_code == 204
        stats = client.get(events.replace("/events", "/stats"), headers=key).json()
        assert (stats["plays"], stats["reached"]["75"]) == (2, 0)


def test_public_reads_are_not_limited(app_with: Callable[..., FastAPI]) -> None:
    with TestClient(app_with(rate_limit_per_address="1/minute")) as client:
        for _ in range(3):
            answer = client.get("/player.js")
            assert answer.status_code == 200
            assert "ratelimit" not in answer.headers


def test_a_storage_that_does_not_answer_limits_nothing(app_with: Callable[..., FastAPI], settings: Settings) -> None:
    app = app_with(rate_limit_per_key="1/minute", rate_limit_storage=f"redis://127.0.0.1:{free_port()}/0")
    with TestClient(app) as client:
        key = bearer(make_key(settings, ["admin"]))
        for _ in range(3):
            answer = client.get("/v1/feeds", headers=key)
            assert answer.status_code == 200
            assert "ratelimit" not in answer.headers


def test_api_processes_on_redis_share_the_count(
    app_with: Callable[..., FastAPI], settings: Settings, redis_url: str
) -> None:
    """Two app instances, each with its own Redis connections, as two API processes have."""
    shared = {"broker_url": redis_url.rsplit("/", 1)[0] + "/3", "rate_limit_per_key": "3/minute"}
    one, two = app_with(**shared), app_with(**shared)
    assert one.state.rate_limiter is not two.state.rate_limiter
    with TestClient(one) as first, TestClient(two) as second:
        key = bearer(make_key(settings, ["admin"]))
        assert first.get("/v1/feeds", headers=key).status_code == 200
        assert second.get("/v1/feeds", headers=key).status_code == 200
        assert first.get("/v1/feeds", headers=key).status_code == 200
        assert_limited(second.get("/v1/feeds", headers=key), '"key";q=3;w=60')
        assert_limited(first.get("/v1/feeds", headers=key), '"key";q=3;w=60')


@pytest.mark.parametrize("storage", ["redis"], indirect=True)
def test_a_counted_request_costs_one_redis_round_trip(
    app_with: Callable[..., FastAPI], settings: Settings, storage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Count, what is left and when the window resets come back from one script (`limits` alone makes three calls)."""
    app = app_with(rate_limit_per_key="3/minute", rate_limit_storage=storage)
    connection = app.state.rate_limiter.strategy.storage.get_connection()
    sent: list[str] = []
    send = connection.execute_command

    def recorded(*args: object, **options: object) -> object:
        sent.append(str(args[0]).upper())
        return send(*args, **options)

    monkeypatch.setattr(connection, "execute_command", recorded)
    with TestClient(app) as client:
        key = bearer(make_key(settings, ["admin"]))
        per_request = []
        for _ in range(4):
            before = len(sent)
            answer = client.get("/v1/feeds", headers=key)
            per_request.append((answer.status_code, answer.headers["ratelimit"].split(";")[1], sent[before:]))
    # The first also loads the script into Redis (once per Redis, not per request).
    assert [calls[-1:] for _status, _left, calls in per_request] == [["EVALSHA"]] * 4
    assert [len(calls) for _status, _left, calls in per_request[1:]] == [1, 1, 1]
    assert [(status, left) for status, left, _calls in per_request] == [
        (200, "r=2"),
        (200, "r=1"),
        (200, "r=0"),
        (429, "r=0"),
    ]
