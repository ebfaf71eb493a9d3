"""POST /v1/webhooks/{id}/deliveries/{delivery_id}/resend: one more attempt of a finished delivery."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.core.db import session_scope
from service.core.models import Dispatch
from service.core.queue import DEFAULT_QUEUE, WEBHOOK_DELIVERY_TASK
from service.core.settings import Settings
from service.webhooks import store
from service.webhooks.events import Event
from service.webhooks.retry import Decision, Outcome
from tests.api.conftest import RecordingQueue
from workers.webhooks import deliver

PROBLEM = "application/problem+json"


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A real endpoint on 127.0.0.1 answering 204; yields its URL and the headers of each POST it got."""
    received: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            received.append({k.lower(): v for k, v in self.headers.items()})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def failed_delivery(settings: Settings, url: str, status: str = "failed") -> tuple[str, str]:
    """An endpoint at `url` with one delivery whose first attempt got a final 410; (endpoint id, delivery id)."""
    event = Event("msg_n1_failed", "narration.failed", datetime(2025, 1, 2, tzinfo=UTC), {"id": "n1"})
    with session_scope(settings.database_url) as session:
        endpoint = store.create_endpoint(session, url=url, secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        [delivery_id] = store.record_event(session, event, feed=None)
        if status == "failed":
            store.record_attempt(
                session,
                delivery_id,
                1,
                started_at=datetime.now(UTC),
                duration_ms=5,
                status_code=410,
                error=None,
                outcome=Outcome.FINAL,
                decision=Decision("failed", error="the endpoint's answer is final; not retried"),
            )
        return endpoint.id, delivery_id


def test_a_failed_delivery_is_reopened_and_its_next_attempt_queued(
    client: TestClient, queue: RecordingQueue, settings: Settings
) -> None:
    endpoint_id, delivery_id = failed_delivery(settings, "https://93.184.215.14/hook")
    response = client.post(f"/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend")
    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["id"], body["status"], body["error"], body["finished_at"]) == (delivery_id, "pending", None, None)
    assert [a["number"] for a in body["attempts"]] == [1]  # the log keeps the first attempt
    assert queue.sent == [(WEBHOOK_DELIVERY_TASK, [delivery_id, 2], DEFAULT_QUEUE)]


def test_a_resent_delivery_reaches_the_endpoint_with_the_same_event_id(
    client: TestClient, queue: RecordingQueue, settings: Settings, receiver: tuple[str, list[dict[str, str]]]
) -> None:
    url, received = receiver
    endpoint_id, delivery_id = failed_delivery(settings, url)
    assert client.post(f"/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend").status_code == 202
    [(_task, args, _queue)] = queue.sent
    # What the worker's task does with the published arguments (workers/tasks.py deliver_webhook).
    status = deliver(settings.model_copy(update={"webhook_allow_private": True}), *args, queue=queue)  # type: ignore[arg-type]
    assert status == "succeeded"
    assert [h["webhook-id"] for h in received] == ["msg_n1_failed"]
    [logged] = client.get(f"/v1/webhooks/{endpoint_id}/deliveries").json()
    assert logged["status"] == "succeeded"
    assert [(a["number"], a["status_code"]) for a in logged["attempts"]] == [(1, 410), (2, 204)]


def test_a_pending_delivery_cannot_be_resent(client: TestClient, queue: RecordingQueue, settings: Settings) -> None:
    endpoint_id, delivery_id = failed_delivery(settings, "https://93.184.215.14/hook", status="pending")
    response = client.post(f"/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend")
    assert (response.status_code, response.json()["code"]) == (409, "delivery_pending")
    assert response.headers["content-type"] == PROBLEM
    assert queue.sent == []


def test_an_unknown_delivery_or_another_endpoints_is_a_404(client: TestClient, settings: Settings) -> None:
    endpoint_id, delivery_id = failed_delivery(settings, "https://93.184.215.14/hook")
    with session_scope(settings.database_url) as session:
        other = store.create_endpoint(session, url="https://93.184.215.14/other", secret="whsec_x").id
    for path in (
        f"/v1/webhooks/{endpoint_id}/deliveries/nope/resend",
        f"/v1/webhooks/{other}/deliveries/{delivery_id}/resend",
        f"/v1/webhooks/nope/deliveries/{delivery_id}/resend",
    ):
        response = client.post(path)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path


def test_a_resend_with_the_broker_down_is_kept_in_the_outbox(
    client: TestClient, queue: RecordingQueue, settings: Settings
) -> None:
    endpoint_id, delivery_id = failed_delivery(settings, "https://93.184.215.14/hook")
    queue.broken = True
    response = client.post(f"/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend")
    assert (response.status_code, response.json()["status"]) == (202, "pending")
    with session_scope(settings.database_url) as session:
        pending = session.scalars(select(Dispatch).where(Dispatch.sent_at.is_(None))).all()
        assert [(d.task, d.args) for d in pending] == [(WEBHOOK_DELIVERY_TASK, [delivery_id, 2])]
