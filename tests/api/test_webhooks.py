"""/v1/webhooks over the real app and a temporary database (settings changed by dependency override)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import get_args

import pytest
from fastapi.testclient import TestClient

from service.api.deps import get_settings
from service.api.routes.webhooks import EventType
from service.core.db import session_scope
from service.core.settings import Settings
from service.webhooks import store
from service.webhooks.events import EVENT_TYPES, Event
from service.webhooks.retry import Decision, Outcome

PROBLEM = "application/problem+json"
PUBLIC_URL = "https://93.184.215.14/hooks/narrator"  # an IP literal: no DNS, and nothing is sent in these tests
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def create(client: TestClient, **body: object) -> dict:
    response = client.post("/v1/webhooks", json={"url": PUBLIC_URL, **body})
    assert response.status_code == 201, response.text
    return response.json()


def test_creating_answers_201_with_a_generated_secret_and_the_location(client: TestClient) -> None:
    response = client.post("/v1/webhooks", json={"url": PUBLIC_URL})
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/v1/webhooks/{body['id']}"
    assert body["url"] == PUBLIC_URL
    assert body["event_types"] == ["narration.completed", "narration.failed"]
    assert body["secret"].startswith("whsec_")
    assert len(base64.b64decode(body["secret"].removeprefix("whsec_"))) == 32


def test_a_given_secret_is_kept(client: TestClient) -> None:
    assert create(client, secret=SECRET)["secret"] == SECRET


def test_reading_never_shows_the_secret(client: TestClient) -> None:
    created = create(client, event_types=["narration.failed"], feed="news", description="CMS")
    fetched = client.get(f"/v1/webhooks/{created['id']}").json()
    listed = client.get("/v1/webhooks").json()
    assert "secret" not in fetched and all("secret" not in item for item in listed)
    assert fetched == {k: v for k, v in created.items() if k != "secret"}
    assert [item["id"] for item in listed] == [created["id"]]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/",
        "http://10.0.0.1/",
    ],
)
def test_private_and_loopback_targets_are_refused(client: TestClient, url: str) -> None:
    response = client.post("/v1/webhooks", json={"url": url})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "webhook_url_forbidden"


def test_settings_can_allow_loopback_targets(client: TestClient, settings: Settings) -> None:
    allowed = settings.model_copy(update={"webhook_allow_hosts": ["127.0.0.1"]})
    client.app.dependency_overrides[get_settings] = lambda: allowed  # type: ignore[attr-defined]
    assert create(client, url="http://127.0.0.1:8080/hook")["url"] == "http://127.0.0.1:8080/hook"


@pytest.mark.parametrize("url", ["ftp://93.184.215.14/x", "not a url", "https://user:pw@93.184.215.14/x"])
def test_non_http_urls_are_invalid(client: TestClient, url: str) -> None:
    response = client.post("/v1/webhooks", json={"url": url})
    assert (response.status_code, response.json()["code"]) == (422, "webhook_url_invalid")


def test_a_malformed_secret_is_refused(client: TestClient) -> None:
    response = client.post("/v1/webhooks", json={"url": PUBLIC_URL, "secret": "hunter2"})
    assert (response.status_code, response.json()["code"]) == (422, "webhook_secret_invalid")
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("body", [{"event_types": ["article.deleted"]}, {"event_types": []}, {"colour": "red"}])
def test_unknown_event_types_and_fields_fail_validation(client: TestClient, body: dict) -> None:
    response = client.post("/v1/webhooks", json={"url": PUBLIC_URL, **body})
    assert (response.status_code, response.json()["code"]) == (422, "validation_failed")


def test_an_unknown_webhook_is_a_404_problem(client: TestClient) -> None:
    for response in (
        client.get("/v1/webhooks/nope"),
        client.delete("/v1/webhooks/nope"),
        client.get("/v1/webhooks/nope/deliveries"),
    ):
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        assert response.headers["content-type"] == PROBLEM


def test_deleting_removes_the_endpoint(client: TestClient) -> None:
    created = create(client)
    assert client.delete(f"/v1/webhooks/{created['id']}").status_code == 204
    assert client.get(f"/v1/webhooks/{created['id']}").status_code == 404
    assert client.get("/v1/webhooks").json() == []


def test_a_new_endpoint_has_an_empty_delivery_log(client: TestClient) -> None:
    assert client.get(f"/v1/webhooks/{create(client)['id']}/deliveries").json() == []


def test_the_delivery_log_shows_each_attempt_and_the_final_state(client: TestClient, settings: Settings) -> None:
    endpoint_id = create(client)["id"]
    event = Event("msg_n1_completed", "narration.completed", datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC), {"id": "n1"})
    with session_scope(settings.database_url) as session:
        [delivery_id] = store.record_event(session, event, feed=None)
        for number, status, outcome, decision in (
            (1, 503, Outcome.RETRYABLE, Decision("pending", retry_in_s=30)),
            (2, 200, Outcome.SUCCEEDED, Decision("succeeded")),
        ):
            store.record_attempt(
                session,
                delivery_id,
                number,
                started_at=datetime.now(UTC),
                duration_ms=12 * number,
                status_code=status,
                error=None,
                outcome=outcome,
                decision=decision,
            )
    [logged] = client.get(f"/v1/webhooks/{endpoint_id}/deliveries").json()
    assert (logged["id"], logged["event_id"], logged["event_type"]) == (
        delivery_id,
        "msg_n1_completed",
        "narration.completed",
    )
    assert logged["status"] == "succeeded" and logged["finished_at"] and logged["next_attempt_at"] is None
    assert [(a["number"], a["status_code"], a["duration_ms"], a["outcome"]) for a in logged["attempts"]] == [
        (1, 503, 12, "retryable"),
        (2, 200, 24, "succeeded"),
    ]
    assert all(a["at"] for a in logged["attempts"])
    assert logged["payload"] == {
        "type": "narration.completed",
        "timestamp": "2025-01-02T03:04:05Z",
        "data": {"id": "n1"},
    }


def test_the_delivery_log_limit_is_bounded(client: TestClient) -> None:
    endpoint_id = create(client)["id"]
    response = client.get(f"/v1/webhooks/{endpoint_id}/deliveries", params={"limit": 1000})
    assert (response.status_code, response.json()["code"]) == (422, "validation_failed")


def test_the_accepted_event_types_are_the_ones_the_workers_emit() -> None:
    assert get_args(EventType) == EVENT_TYPES
