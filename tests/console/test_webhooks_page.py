"""The console's webhooks page: register an endpoint, read its deliveries and attempts, resend one."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from service.core.db import session_scope
from service.core.queue import DEFAULT_QUEUE, WEBHOOK_DELIVERY_TASK
from service.core.settings import Settings
from service.webhooks import store
from service.webhooks.events import Event
from service.webhooks.retry import Decision, Outcome
from tests.api.conftest import RecordingQueue
from tests.console.conftest import csrf_of, make_key, sign_in

PUBLIC_URL = "https://93.184.215.14/hooks/narrator"  # an IP literal: no DNS, and nothing is sent here


def register(client: TestClient, **fields: object) -> object:
    token = csrf_of(client.get("/console/webhooks").text)
    data = {"url": PUBLIC_URL, "event_types": ["narration.completed", "narration.failed"], **fields}
    return client.post("/console/webhooks", data={**data, "csrf_token": token})


def failed_delivery(settings: Settings, endpoint_id: str) -> str:
    """A delivery of the endpoint whose one attempt got a final 410."""
    event = Event("msg_n1_failed", "narration.failed", datetime(2025, 1, 2, tzinfo=UTC), {"id": "n1"})
    with session_scope(settings.database_url) as session:
        [delivery_id] = [
            d for d in store.record_event(session, event, feed=None) if store.get_endpoint(session, endpoint_id)
        ]
        store.record_attempt(
            session,
            delivery_id,
            1,
            started_at=datetime.now(UTC),
            duration_ms=41,
            status_code=410,
            error=None,
            outcome=Outcome.FINAL,
            decision=Decision("failed", error="the endpoint's answer is final; not retried"),
        )
    return delivery_id


def test_registering_shows_the_secret_once(client: TestClient) -> None:
    response = register(client, description="CMS")
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    secret = re.search(r'<p class="secret" id="secret">(whsec_[^<]+)</p>', response.text)  # type: ignore[attr-defined]
    assert secret
    [endpoint] = client.get("/v1/webhooks").json()
    assert (endpoint["url"], endpoint["description"]) == (PUBLIC_URL, "CMS")
    assert secret.group(1) not in client.get(f"/console/webhooks/{endpoint['id']}").text


def test_a_private_target_is_refused_beside_the_url(client: TestClient) -> None:
    response = register(client, url="http://10.0.0.1/hook")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert re.search(r'id="f-url-error">[^<]*non-public', response.text)  # type: ignore[attr-defined]
    assert client.get("/v1/webhooks").json() == []


def test_no_event_type_is_refused(client: TestClient) -> None:
    response = register(client, event_types=[])
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert 'id="f-event_types-error"' in response.text  # type: ignore[attr-defined]


def test_deliveries_show_each_attempt(client: TestClient, settings: Settings) -> None:
    register(client)
    endpoint_id = client.get("/v1/webhooks").json()[0]["id"]
    delivery_id = failed_delivery(settings, endpoint_id)
    page = client.get(f"/console/webhooks/{endpoint_id}").text
    row = page.split(f'id="delivery-{delivery_id}"', 1)[1].split("</tr>", 1)[0]
    assert "narration.failed" in row and "msg_n1_failed" in row
    assert 'class="status status-failed">failed' in row
    assert "HTTP 410, 41 ms (final)" in row
    assert f'action="/console/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend"' in row
    assert "&#34;type&#34;: &#34;narration.failed&#34;" in row  # the payload as sent, indented


def test_removing_an_endpoint(client: TestClient, settings: Settings) -> None:
    register(client)
    endpoint_id = client.get("/v1/webhooks").json()[0]["id"]
    token = csrf_of(client.get(f"/console/webhooks/{endpoint_id}").text)
    response = client.post(f"/console/webhooks/{endpoint_id}/delete", data={"csrf_token": token})
    assert (response.status_code, response.headers["location"]) == (303, "/console/webhooks")
    assert client.get("/v1/webhooks").json() == []


def test_resending_queues_the_next_attempt(client: TestClient, settings: Settings, queue: RecordingQueue) -> None:
    register(client)
    endpoint_id = client.get("/v1/webhooks").json()[0]["id"]
    delivery_id = failed_delivery(settings, endpoint_id)
    token = csrf_of(client.get(f"/console/webhooks/{endpoint_id}").text)
    response = client.post(
        f"/console/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend", data={"csrf_token": token}
    )
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"/console/webhooks/{endpoint_id}?resent={delivery_id}",
    )
    assert queue.sent == [(WEBHOOK_DELIVERY_TASK, [delivery_id, 2], DEFAULT_QUEUE)]
    page = client.get(response.headers["location"]).text
    assert "resent: its next attempt is queued" in page
    row = page.split(f'id="delivery-{delivery_id}"', 1)[1].split("</tr>", 1)[0]
    assert "pending" in row and "on its way" in row and "/resend" not in row


def test_a_key_without_webhooks_write_is_told_it_needs_the_scope(client: TestClient, settings: Settings) -> None:
    register(client)
    sign_in(client, make_key(settings, ["articles:read", "feeds:write"]))
    page = client.get("/console/webhooks")
    assert page.status_code == 200
    assert "<code>webhooks:write</code> scope; this key lacks it" in page.text
    assert PUBLIC_URL not in page.text and '<form method="post" action="/console/webhooks"' not in page.text
