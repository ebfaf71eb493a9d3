"""Announcing finished narrations and making delivery attempts, against a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks import Webhook

from service.articles import records
from service.core import outbox
from service.core.db import session_scope
from service.core.models import WebhookDelivery
from service.core.queue import WEBHOOK_DELIVERY_TASK
from service.core.settings import Settings
from service.document.model import Block, Document
from service.webhooks import store
from service.webhooks.events import EVENT_TYPES
from service.webhooks.signing import generate_secret
from workers.webhooks import deliver, emit_narration_event

DOC = Document(title="A title", blocks=(Block("paragraph", "One sentence."),))


@dataclass
class Receiver:
    """Answers POSTs with scripted statuses (the last one repeats) and keeps what it got."""

    statuses: list[int]
    delay_s: float = 0.0
    received: list[tuple[dict[str, str], str]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(statuses=[200])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's name
            body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
            state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            time.sleep(state.delay_s)
            status = state.statuses.pop(0) if len(state.statuses) > 1 else state.statuses[0]
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()


class RecordingDeliveryQueue:
    """A fake queue: remembers (delivery id, attempt, countdown); can be told to fail."""

    def __init__(self) -> None:
        self.enqueued: list[tuple[str, int, float]] = []
        self.sent: list[list[Any]] = []  # the arguments of what the outbox published
        self.broken = False

    def enqueue_webhook_delivery(self, delivery_id: str, attempt: int, countdown_s: float = 0.0) -> None:
        if self.broken:
            raise ConnectionError("broker down")
        self.enqueued.append((delivery_id, attempt, countdown_s))

    def send(self, task: str, args: list[Any], queue: str) -> None:
        """The outbox publishes first attempts (and retries it kept) through here."""
        assert task == WEBHOOK_DELIVERY_TASK
        self.enqueue_webhook_delivery(args[0], args[1])
        self.sent.append(list(args))


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "webhook_allow_private": True,
            "webhook_retry_base_s": 2.0,
            "webhook_retry_max_s": 60.0,
            "webhook_max_attempts": 3,
            "webhook_timeout_s": 1.0,
        }
    )


@pytest.fixture
def queue() -> RecordingDeliveryQueue:
    return RecordingDeliveryQueue()


def add_endpoint(
    settings: Settings,
    url: str,
    secret: str | None = None,
    event_types: tuple[str, ...] = EVENT_TYPES,
    feed: str | None = None,
) -> str:
    with session_scope(settings.database_url) as session:
        secret = secret or generate_secret()
        return store.create_endpoint(session, url=url, secret=secret, event_types=event_types, feed=feed).id


def finished_narration(settings: Settings, status: str = "done", feed: str | None = None) -> str:
    with session_scope(settings.database_url) as session:
        _, narration = records.create_article(
            session, document=DOC, source_kind="text", source="x", voice="v", feed=feed, external_id="ext-1"
        )
        if status == "done":
            audio = records.FinishedAudio(sha256="ab" * 32, audio_key=f"{'ab' * 32}.mp3", bytes=1000, duration_s=2.5)
            records.finish_narration(session, narration.id, audio)
        elif status == "failed":
            records.fail_narration(session, narration.id, "voice_unavailable", "no model")
        return narration.id


def delivery(settings: Settings, delivery_id: str) -> WebhookDelivery:
    with session_scope(settings.database_url) as session:
        found = session.get(WebhookDelivery, delivery_id)
        assert found is not None
        found.attempts  # load them before the session closes  # noqa: B018
        return found


def emitted(settings: Settings, queue: RecordingDeliveryQueue, narration_id: str) -> str:
    [delivery_id] = emit_narration_event(settings, narration_id, queue)
    return delivery_id


# --- announcing ---------------------------------------------------------------------------


def test_a_done_narration_becomes_a_completed_event_for_each_subscriber(
    hook_settings: Settings, queue: RecordingDeliveryQueue
) -> None:
    first, second = (
        add_endpoint(hook_settings, "http://127.0.0.1:9/a"),
        add_endpoint(hook_settings, "http://127.0.0.1:9/b"),
    )
    narration_id = finished_narration(hook_settings)
    created = emit_narration_event(hook_settings, narration_id, queue)
    assert len(created) == 2
    assert [(d, n) for d, n, _ in queue.enqueued] == [(created[0], 1), (created[1], 1)]
    sent = delivery(hook_settings, created[0])
    payload = json.loads(sent.payload)
    assert (sent.event_type, sent.status, {first, second} >= {sent.endpoint_id}) == (
        "narration.completed",
        "pending",
        True,
    )
    assert payload["type"] == "narration.completed" and payload["timestamp"].endswith("Z")
    assert payload["data"]["id"] == narration_id and payload["data"]["status"] == "done"
    assert payload["data"]["audio_url"] == f"/media/{'ab' * 32}.mp3"
    assert payload["data"]["external_id"] == "ext-1" and payload["data"]["article_id"]


def test_the_audio_url_is_absolute_when_a_public_url_is_set(
    hook_settings: Settings, queue: RecordingDeliveryQueue
) -> None:
    settings = hook_settings.model_copy(update={"public_url": "https://listen.example.org/"})
    add_endpoint(settings, "http://127.0.0.1:9/a")
    payload = json.loads(delivery(settings, emitted(settings, queue, finished_narration(settings))).payload)
    assert payload["data"]["audio_url"] == f"https://listen.example.org/media/{'ab' * 32}.mp3"


def test_a_failed_narration_becomes_a_failed_event_with_its_error(
    hook_settings: Settings, queue: RecordingDeliveryQueue
) -> None:
    add_endpoint(hook_settings, "http://127.0.0.1:9/a")
    payload = json.loads(
        delivery(hook_settings, emitted(hook_settings, queue, finished_narration(hook_settings, "failed"))).payload
    )
    assert payload["type"] == "narration.failed"
    assert payload["data"]["error"] == {"code": "voice_unavailable", "message": "no model"}


def test_endpoints_get_only_their_event_types_and_feed(hook_settings: Settings, queue: RecordingDeliveryQueue) -> None:
    add_endpoint(hook_settings, "http://127.0.0.1:9/failures", event_types=("narration.failed",))
    add_endpoint(hook_settings, "http://127.0.0.1:9/sports", feed="sports")
    wanted = add_endpoint(hook_settings, "http://127.0.0.1:9/news", feed="news")
    [delivery_id] = emit_narration_event(hook_settings, finished_narration(hook_settings, feed="news"), queue)
    assert delivery(hook_settings, delivery_id).endpoint_id == wanted


def test_announcing_the_same_narration_twice_delivers_once(
    hook_settings: Settings, queue: RecordingDeliveryQueue
) -> None:
    add_endpoint(hook_settings, "http://127.0.0.1:9/a")
    narration_id = finished_narration(hook_settings)
    assert len(emit_narration_event(hook_settings, narration_id, queue)) == 1
    assert emit_narration_event(hook_settings, narration_id, queue) == []
    assert len(queue.enqueued) == 1


def test_an_unfinished_narration_announces_nothing(hook_settings: Settings, queue: RecordingDeliveryQueue) -> None:
    add_endpoint(hook_settings, "http://127.0.0.1:9/a")
    assert emit_narration_event(hook_settings, finished_narration(hook_settings, "queued"), queue) == []


def test_a_broker_outage_keeps_the_first_attempt_in_the_outbox_until_the_broker_is_back(
    hook_settings: Settings, queue: RecordingDeliveryQueue
) -> None:
    add_endpoint(hook_settings, "http://127.0.0.1:9/a")
    queue.broken = True
    [delivery_id] = emit_narration_event(hook_settings, finished_narration(hook_settings), queue)
    assert delivery(hook_settings, delivery_id).status == "pending"
    assert queue.enqueued == []
    queue.broken = False
    with session_scope(hook_settings.database_url) as session:
        assert outbox.publish_pending(session, queue) == (1, 0)  # what the workers' dispatcher does
    assert queue.enqueued == [(delivery_id, 1, 0.0)]


def test_announcing_an_unknown_narration_never_raises(hook_settings: Settings, queue: RecordingDeliveryQueue) -> None:
    assert emit_narration_event(hook_settings, "no-such-narration", queue) == []


# --- attempts -----------------------------------------------------------------------------


def test_a_2xx_answer_delivers_a_signed_event(
    hook_settings: Settings, queue: RecordingDeliveryQueue, receiver: Receiver
) -> None:
    secret = generate_secret()
    add_endpoint(hook_settings, receiver.url, secret)
    delivery_id = emitted(hook_settings, queue, finished_narration(hook_settings))
    assert deliver(hook_settings, delivery_id, 1, queue) == "succeeded"
    [(headers, body)] = receiver.received
    event = Webhook(secret).verify(body, headers)
    assert event["type"] == "narration.completed"
    assert headers["webhook-id"] == delivery(hook_settings, delivery_id).event_id
    assert headers["content-type"] == "application/json"
    [attempt] = delivery(hook_settings, delivery_id).attempts
    assert (attempt.number, attempt.status_code, attempt.outcome, attempt.error) == (1, 200, "succeeded", None)
    assert attempt.duration_ms >= 0
    assert len(queue.enqueued) == 1  # only the first attempt, from the announcement


def test_a_5xx_answer_schedules_a_jittered_retry(
    hook_settings: Settings, queue: RecordingDeliveryQueue, receiver: Receiver
) -> None:
    receiver.statuses = [503]
    add_endpoint(hook_settings, receiver.url)
    delivery_id = emitted(hook_settings, queue, finished_narration(hook_settings))
    assert deliver(hook_settings, delivery_id, 1, queue) == "pending"
    _, attempt, countdown = queue.enqueued[-1]
    assert attempt == 2 and 1.0 <= countdown <= 2.0  # base 2 s, equal jitter
    pending = delivery(hook_settings, delivery_id)
    assert pending.next_attempt_at is not None
    assert [(a.status_code, a.outcome) for a in pending.attempts] == [(503, "retryable")]


def test_a_retry_the_broker_refuses_waits_in_the_outbox_then_for_its_time(
    hook_settings: Settings, queue: RecordingDeliveryQueue, receiver: Receiver
) -> None:
    receiver.statuses = [503, 200]
    add_endpoint(hook_settings, receiver.url)
    delivery_id = emitted(hook_settings, queue, finished_narration(hook_settings))
    queue.broken = True
    assert deliver(hook_settings, delivery_id, 1, queue) == "pending"
    queue.broken = False
    with session_scope(hook_settings.database_url) as session:
        assert outbox.publish_pending(session, queue) == (1, 0)
    [_delivery_id, attempt, not_before] = queue.sent[-1]
    assert attempt == 2
    # Sent by the dispatcher before its time: it waits for what is left of its countdown (1-2 s here).
    assert deliver(hook_settings, delivery_id, 2, queue, not_before=not_before) == "scheduled"
    _, again, countdown = queue.enqueued[-1]
    assert again == 2 and 0 < countdown <= 2.0
    assert len(receiver.received) == 1
    assert deliver(hook_settings, delivery_id, 2, queue) == "succeeded"


def test_the_same_event_id_and_body_are_sent_on_every_attempt(
    hook_settings: Settings, queue: RecordingDeliveryQueue, receiver: Receiver
) -> None:
    receiver.statuses = [500, 200]
    add_endpoint(hook_settings, receiver.url)
    delivery_id = emitted(hook_settings, queue, finished_narration(hook_settings))
    deliver(hook_settings, delivery_id, 1, queue)
    assert deliver(hook_settings, delivery_id, 2, queue) == "succeeded"
    (first, first_body), (second, second_body) = receiver.received
    assert first["webhook-id"] == second["webhook-id"] and first_body == second_body


def test_a_4xx_answer_is_final(hook_settings: Settings, queue: RecordingDeliveryQueue, receiver: Receiver) -> None:
    receiver.statuses = [404]
    add_endpoint(hook_settings, receiver.url)
    delivery_id = emitted(hook_settings, queue, finished_narration(hook_settings))
    assert deliver(hook_settings, delivery_id, 1, queue) == "failed"
    failed = delivery(hook_settings, delivery_id)
    assert failed.finished_at is not None and failed.attempts[0].outcome == "final"
    assert len(queue.enqueued) == 1


def test_the_last_attempt_gives_up(hook_settings: Settings, queue: RecordingDeliveryQueue, receiver: Receiver) -> None:
    receiver.statuses = [429]
    add_endpoint(hook_settings, receiver.url)
    delivery_id = emitted(hook_settings, queue, finished_narration(hook_settings))
    statuses = [deliver(hook_settings, delivery_id, n, queue) for n in (1, 2, 3)]
    assert statuses == ["pending", "pending", "failed"]
    assert delivery(hook_settings, delivery_id).error == "gave up after 3 attempts"
    assert [n for _, n, _ in queue.enqueued] == [1, 2, 3]


def test_a_redelivered_attempt_is_not_sent_again(
    hook_settings: Settings, queue: RecordingDeliveryQueue, receiver: Receiver
) -> None:
    receiver.statuses = [500]
    add_endpoint(hook_settings, receiver.url)
    delivery_id = emitted(hook_settings, queue, finished_narration(hook_settings))
    deliver(hook_settings, delivery_id, 1, queue)
    assert deliver(hook_settings, delivery_id, 1, queue) == "skipped"
    assert len(receiver.received) == 1


def test_a_refused_connection_is_logged_and_retried(hook_settings: Settings, queue: RecordingDeliveryQueue) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    add_endpoint(hook_settings, f"http://127.0.0.1:{port}/hook")
    delivery_id = emitted(hook_settings, queue, finished_narration(hook_settings))
    assert deliver(hook_settings, delivery_id, 1, queue) == "pending"
    [attempt] = delivery(hook_settings, delivery_id).attempts
    assert attempt.status_code is None and attempt.error.startswith("connect_error")  # type: ignore[union-attr]


def test_a_slow_endpoint_times_out_and_is_retried(
    hook_settings: Settings, queue: RecordingDeliveryQueue, receiver: Receiver
) -> None:
    receiver.delay_s = 2.0  # the timeout is 1 s
    add_endpoint(hook_settings, receiver.url)
    delivery_id = emitted(hook_settings, queue, finished_narration(hook_settings))
    assert deliver(hook_settings, delivery_id, 1, queue) == "pending"
    [attempt] = delivery(hook_settings, delivery_id).attempts
    assert attempt.error.startswith("timeout") and attempt.outcome == "retryable"  # type: ignore[union-attr]


def test_a_target_no_longer_allowed_fails_without_a_request(
    hook_settings: Settings, queue: RecordingDeliveryQueue, receiver: Receiver
) -> None:
    add_endpoint(hook_settings, receiver.url)  # allowed when it was created
    delivery_id = emitted(hook_settings, queue, finished_narration(hook_settings))
    strict = hook_settings.model_copy(update={"webhook_allow_private": False})
    assert deliver(strict, delivery_id, 1, queue) == "failed"
    assert receiver.received == []
    assert delivery(strict, delivery_id).attempts[0].error.startswith("webhook_url_forbidden")  # type: ignore[union-attr]


def test_a_deleted_endpoint_stops_its_deliveries(
    hook_settings: Settings, queue: RecordingDeliveryQueue, receiver: Receiver
) -> None:
    endpoint_id = add_endpoint(hook_settings, receiver.url)
    delivery_id = emitted(hook_settings, queue, finished_narration(hook_settings))
    with session_scope(hook_settings.database_url) as session:
        store.delete_endpoint(session, endpoint_id)
    assert deliver(hook_settings, delivery_id, 1, queue) == "skipped"
    assert receiver.received == []
