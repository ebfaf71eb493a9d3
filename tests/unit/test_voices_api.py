"""GET /v1/voices and /v1/voices/{id}/sample.mp3 over the real app, with a recording queue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.deps import get_queue
from service.core import outbox
from service.core.db import session_scope
from service.core.models import utcnow
from service.core.settings import Settings
from service.core.storage import open_storage
from service.core.voices import Voice, catalog_dirs, clear_catalog_cache, get_voice
from service.listeners.samples import (
    RETRY_AFTER,
    VOICE_SAMPLE_TASK,
    VoiceSample,
    ensure_sample_table,
    record_failure,
    record_sample,
)

JOE = "en_US-joe-medium"


class RecordingSampleQueue:
    """Remembers which samples were sent to the broker (and can be told the broker is down)."""

    def __init__(self) -> None:
        self.enqueued: list[str] = []
        self.broken = False

    def enqueue_voice_sample(self, voice_id: str) -> None:
        self.enqueued.append(voice_id)

    def send(self, task: str, args: list[Any], queue: str) -> None:
        """The outbox publishes through here."""
        if self.broken:
            raise ConnectionError("broker down")
        assert task == VOICE_SAMPLE_TASK
        self.enqueue_voice_sample(args[0])


@pytest.fixture
def queue() -> RecordingSampleQueue:
    return RecordingSampleQueue()


@pytest.fixture
def client(settings: Settings, queue: RecordingSampleQueue) -> Iterator[TestClient]:
    clear_catalog_cache()
    app = create_app(settings)
    app.dependency_overrides[get_queue] = lambda: queue
    with TestClient(app) as test_client:
        yield test_client


def joe(settings: Settings) -> Voice:
    return get_voice(catalog_dirs(settings), JOE)


def store_sample(settings: Settings) -> str:
    """What the worker does when a sample is made: a stored file and its row."""
    stored = open_storage(settings.storage_url).put_bytes(b"ID3 not really an mp3", "mp3")
    ensure_sample_table(settings.database_url)
    with session_scope(settings.database_url) as session:
        record_sample(session, joe(settings), stored.key)
    return stored.key


def test_the_catalog_lists_joe_as_the_default_with_its_sample_url(client: TestClient) -> None:
    voices = client.get("/v1/voices").json()
    listed = {v["id"]: v for v in voices}
    assert listed[JOE]["default"] is True
    assert listed[JOE]["engine"] == "piper"
    assert listed[JOE]["sample_url"] == f"/v1/voices/{JOE}/sample.mp3"


def test_a_missing_sample_is_enqueued_once_and_answered_202(client: TestClient, queue: RecordingSampleQueue) -> None:
    first = client.get(f"/v1/voices/{JOE}/sample.mp3?wait=0", follow_redirects=False)
    second = client.get(f"/v1/voices/{JOE}/sample.mp3?wait=0", follow_redirects=False)
    assert first.status_code == second.status_code == 202
    assert first.headers["retry-after"].isdigit()
    assert first.headers["content-type"] == "application/json"
    assert first.json()["status"] == "pending"
    assert queue.enqueued == [JOE]


def test_a_stored_sample_is_a_redirect_to_its_immutable_file(
    client: TestClient, settings: Settings, queue: RecordingSampleQueue
) -> None:
    key = store_sample(settings)
    response = client.get(f"/v1/voices/{JOE}/sample.mp3", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"/media/{key}"
    assert client.get(response.headers["location"]).content == b"ID3 not really an mp3"
    assert queue.enqueued == []


def test_a_sample_whose_file_is_gone_is_made_again(
    client: TestClient, settings: Settings, queue: RecordingSampleQueue
) -> None:
    key = store_sample(settings)
    open_storage(settings.storage_url).delete(key)
    response = client.get(f"/v1/voices/{JOE}/sample.mp3?wait=0", follow_redirects=False)
    assert response.status_code == 202
    assert queue.enqueued == [JOE]


def test_a_failed_sample_reports_the_workers_error_code(client: TestClient, settings: Settings) -> None:
    ensure_sample_table(settings.database_url)
    with session_scope(settings.database_url) as session:
        record_failure(session, joe(settings), "engine_unavailable", "the coqui engine is not installed")
    response = client.get(f"/v1/voices/{JOE}/sample.mp3?wait=0", follow_redirects=False)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "engine_unavailable"


def test_an_old_failure_is_retried(client: TestClient, settings: Settings, queue: RecordingSampleQueue) -> None:
    ensure_sample_table(settings.database_url)
    with session_scope(settings.database_url) as session:
        record_failure(session, joe(settings), "synthesis_failed", "boom")
    with session_scope(settings.database_url) as session:
        row = session.get(VoiceSample, (JOE, joe(settings).fingerprint))
        assert row is not None
        row.finished_at = utcnow() - RETRY_AFTER - timedelta(seconds=1)
    response = client.get(f"/v1/voices/{JOE}/sample.mp3?wait=0", follow_redirects=False)
    assert response.status_code == 202
    assert queue.enqueued == [JOE]


def test_a_sample_made_while_waiting_is_returned_at_once(
    client: TestClient, settings: Settings, queue: RecordingSampleQueue
) -> None:
    # The fake queue plays a worker that finishes as soon as it is asked.
    made: list[str] = []

    def enqueue(voice_id: str) -> None:
        made.append(store_sample(settings))

    queue.enqueue_voice_sample = enqueue  # type: ignore[method-assign]
    response = client.get(f"/v1/voices/{JOE}/sample.mp3?wait=2", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"/media/{made[0]}"


def test_an_unknown_voice_is_404(client: TestClient) -> None:
    response = client.get("/v1/voices/nobody/sample.mp3")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_voice"


def test_a_broker_outage_still_answers_202_and_the_dispatcher_sends_it_later(
    client: TestClient, queue: RecordingSampleQueue, settings: Settings
) -> None:
    queue.broken = True
    response = client.get(f"/v1/voices/{JOE}/sample.mp3?wait=0")
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert client.get(f"/v1/voices/{JOE}/sample.mp3?wait=0").status_code == 202  # one request outstanding
    assert queue.enqueued == []
    queue.broken = False
    with session_scope(settings.database_url) as session:
        assert outbox.publish_pending(session, queue) == (1, 0)  # what the workers' dispatcher does
    assert queue.enqueued == [JOE]
