"""/metrics, request ids and request logs on the real app."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.api.app import create_app
from service.core.db import session_scope
from service.core.logs import configure_logging
from service.core.metrics import stored_narration_bytes
from service.core.models import Article, Narration
from service.core.queue import CONTEXT_HEADER, make_celery
from service.core.settings import Settings
from tests.api.conftest import RecordingQueue


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics: (name, sorted labels) -> value."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def requests_counted(samples: dict, method: str, route: str, status: int) -> float:
    labels = (("method", method), ("route", route), ("status", str(status)))
    return samples.get(("narrator_http_requests_total", labels), 0.0)


def test_requests_are_counted_by_route_template_and_status(client: TestClient) -> None:
    created = client.post("/v1/articles", json={"title": "Hello", "text": "One paragraph."})
    assert created.status_code == 202
    article_id = created.json()["id"]
    assert client.get(f"/v1/articles/{article_id}").status_code == 200
    assert client.get("/v1/articles/no-such-article").status_code == 404
    assert client.get("/v1/articles/another-missing-one").status_code == 404
    assert client.head("/v1/voices").status_code == 200
    assert client.get("/no/such/path").status_code == 404

    samples = scrape(client)
    assert requests_counted(samples, "POST", "/v1/articles", 202) == 1
    assert requests_counted(samples, "GET", "/v1/articles/{article_id}", 200) == 1
    assert requests_counted(samples, "GET", "/v1/articles/{article_id}", 404) == 2
    assert requests_counted(samples, "HEAD", "/v1/voices", 200) == 1
    assert requests_counted(samples, "GET", "unmatched", 404) == 1
    # Never a raw path: ids would make a new series per article.
    routes = {dict(labels).get("route") for name, labels in samples if name.startswith("narrator_http_")}
    assert not any(article_id in route or "no-such" in route for route in routes if route)
    latency = (
        "narrator_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/v1/articles/{article_id}")),
    )
    assert samples[latency] == 3


def test_metrics_show_narrations_by_status_and_the_queue(client: TestClient) -> None:
    for text in ("First article.", "Second article."):
        assert client.post("/v1/articles", json={"text": text}).status_code == 202
    samples = scrape(client)
    assert samples[("narrator_narrations", (("status", "queued"),))] == 2
    assert samples[("narrator_narrations", (("status", "done"),))] == 0
    assert samples[("narrator_queue_depth", (("queue", "narrator.now"),))] == 2  # the recording queue's count
    assert samples[("narrator_scrape_source_up", (("source", "database"),))] == 1
    assert samples[("narrator_storage_bytes", (("kind", "narrations"),))] == 0


def test_a_broker_that_does_not_answer_is_reported_down_not_a_failed_scrape(
    client: TestClient, queue: RecordingQueue
) -> None:
    queue.broken = True
    samples = scrape(client)
    assert samples[("narrator_scrape_source_up", (("source", "broker"),))] == 0
    assert not any(name == "narrator_queue_depth" for name, _ in samples)


def test_queue_depth_counts_the_embedded_brokers_messages_and_they_carry_the_request_context(
    settings: Settings,
) -> None:
    """The real queue on kombu's SQLAlchemy transport (SQLite), no worker: the message waits, counted."""
    with TestClient(create_app(settings)) as client:
        created = client.post("/v1/articles", json={"text": "Waiting."}, headers={"X-Request-ID": "req-queue-1"})
        assert created.status_code == 202
        samples = scrape(client)
    assert samples[("narrator_queue_depth", (("queue", "narrator.now"),))] == 1
    assert samples[("narrator_queue_depth", (("queue", "narrator.backfill"),))] == 0
    assert samples[("narrator_queue_depth", (("queue", "narrator.urgent"),))] == 0
    narration_id = created.headers["location"].rsplit("/", 1)[-1]
    with make_celery(settings).connection_for_read() as conn:
        waiting = conn.SimpleQueue("narrator.now", no_ack=True)
        message = waiting.get(timeout=5)
        waiting.close()
    assert message.headers["task"] == "narrator.narrate"
    assert message.headers[CONTEXT_HEADER] == {"request_id": "req-queue-1", "narration_id": narration_id}


def test_stored_bytes_count_each_file_once(settings: Settings) -> None:
    create_app(settings)  # the schema
    with session_scope(settings.database_url) as session:
        article = Article(source_kind="text", source="x", blocks=[], voice="en_US-joe-medium")
        session.add(article)
        session.flush()
        for version, (key, size) in enumerate([("a.mp3", 1000), ("a.mp3", 1000), ("b.mp3", 250), (None, None)]):
            session.add(
                Narration(
                    article_id=article.id, version=version + 1, voice="v", status="done", audio_key=key, bytes=size
                )
            )
    with session_scope(settings.database_url) as session:
        assert stored_narration_bytes(session) == 1250


def test_a_sane_request_id_is_echoed_and_anything_else_replaced(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123_x.y:z"}).headers["x-request-id"] == "abc-123_x.y:z"
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32 and int(generated, 16) >= 0
    for insane in ("has space", "x" * 129, 'quote"d', "semi;colon", ""):
        echoed = client.get("/healthz", headers={"X-Request-ID": insane}).headers["x-request-id"]
        assert echoed != insane and len(echoed) == 32


def test_every_answer_carries_the_request_id(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_body_bytes": 1000}))

    def boom() -> None:
        raise RuntimeError("unexpected")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        answers = {
            "404 problem": client.get("/v1/narrations/nope", headers={"X-Request-ID": "r1"}),
            "413 refused before routing": client.post(
                "/v1/articles", content=b"x" * 5000, headers={"X-Request-ID": "r2", "content-type": "application/json"}
            ),
            "422 validation": client.post("/v1/articles", json={"nothing": 1}, headers={"X-Request-ID": "r3"}),
            "500 unhandled": client.get("/boom", headers={"X-Request-ID": "r4"}),
            "405": client.delete("/v1/voices", headers={"X-Request-ID": "r5"}),
        }
        samples = scrape(client)
    assert {name: answer.headers.get("x-request-id") for name, answer in answers.items()} == {
        "404 problem": "r1",
        "413 refused before routing": "r2",
        "422 validation": "r3",
        "500 unhandled": "r4",
        "405": "r5",
    }
    assert answers["500 unhandled"].status_code == 500
    assert requests_counted(samples, "GET", "/boom", 500) == 1
    assert requests_counted(samples, "POST", "unmatched", 413) == 1  # refused before any route was chosen


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The process logs as JSON into a buffer for one test; the previous logging comes back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("json", stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        structlog.reset_defaults()


def test_request_log_lines_are_json_with_the_request_id(settings: Settings, json_logs: io.StringIO) -> None:
    app = create_app(settings)

    def boom() -> None:
        raise RuntimeError("unexpected")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.get("/v1/articles/missing", headers={"X-Request-ID": "log-1"})
        client.get("/boom", headers={"X-Request-ID": "log-2"})
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines() if line.strip()]
    access = next(
        line for line in lines if line.get("request_id") == "log-1" and line.get("logger") == "narrator.access"
    )
    assert access["route"] == "/v1/articles/{article_id}"
    assert access["status"] == 404 and access["article_id"] == "missing"
    assert access["level"] == "info" and "timestamp" in access
    crash = next(line for line in lines if line.get("event") == "unhandled error")
    assert crash["request_id"] == "log-2" and "RuntimeError: unexpected" in crash["exception"]
