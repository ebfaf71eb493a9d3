"""Webhook work in the worker: announce a finished narration, make each delivery attempt.

A finished (done or failed) narration records one pending delivery per
subscribed endpoint, with its first attempt in the outbox in the same
transaction (service/core/outbox.py), and publishes it at once if the broker
answers. Each attempt is a Celery task (`narrator.deliver_webhook`, args:
delivery id, attempt number and, from the outbox, when it is due) that posts
the signed event, logs the attempt and, when the answer is retryable, enqueues
the next attempt with a jittered exponential countdown. A retry the broker does
not take waits in the outbox with its due time; it reschedules itself when the
dispatcher sends it early. So a broker outage delays deliveries, never drops them.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from celery import Celery, current_app

from service.articles import records
from service.articles.views import narration_view
from service.core import metrics, outbox
from service.core.db import session_scope
from service.core.models import utcnow
from service.core.queue import DEFAULT_QUEUE, FAST_PUBLISH_RETRY, WEBHOOK_DELIVERY_TASK
from service.core.settings import Settings
from service.webhooks import store
from service.webhooks.events import Event, narration_event_id, narration_event_type
from service.webhooks.retry import decide
from service.webhooks.sender import AttemptResult, post_signed
from service.webhooks.targets import TargetPolicy

log = logging.getLogger(__name__)


class DeliveryQueue(Protocol):
    """Where attempts are enqueued, and the outbox's dispatches published (tests substitute a recording fake)."""

    def enqueue_webhook_delivery(self, delivery_id: str, attempt: int, countdown_s: float = 0.0) -> None: ...
    def send(self, task: str, args: list[Any], queue: str) -> None: ...


class CeleryDeliveryQueue:
    """Enqueues attempts by task name on a Celery app (the worker's own)."""

    def __init__(self, app: Celery) -> None:
        self.app = app

    def enqueue_webhook_delivery(self, delivery_id: str, attempt: int, countdown_s: float = 0.0) -> None:
        # The default queue: every worker consumes it, and an attempt is short.
        self.app.send_task(
            WEBHOOK_DELIVERY_TASK, args=[delivery_id, attempt], countdown=countdown_s or None, queue=DEFAULT_QUEUE
        )

    def send(self, task: str, args: list[Any], queue: str) -> None:
        """Publish an outbox dispatch; a dead broker raises within about a second."""
        self.app.send_task(task, args=args, queue=queue, retry=True, retry_policy=FAST_PUBLISH_RETRY)


def _worker_queue() -> DeliveryQueue:
    return CeleryDeliveryQueue(current_app)


def narration_event(settings: Settings, narration_id: str) -> tuple[Event, str | None, str] | None:
    """The event a finished narration announces, its article's feed and project; None while it is not finished."""
    with session_scope(settings.database_url) as session:
        narration = records.get_narration(session, narration_id)
        event_type = narration_event_type(narration.status)
        if event_type is None:
            return None
        article = records.get_article(session, narration.article_id)
        # A private article's receiver gets signed URLs, as the API's answers carry.
        data = narration_view(session, settings, narration).model_dump(mode="json")
        if data["audio_url"] and settings.public_url:
            data["audio_url"] = settings.public_url.rstrip("/") + data["audio_url"]
        # The publisher's own ids, so a receiver can match the event to its article.
        data.update(external_id=article.external_id, feed=article.feed, title=article.title)
        when = narration.finished_at or narration.created_at
        event = Event(narration_event_id(event_type, narration_id), event_type, when, data)
        return event, article.feed, article.project_id


def emit_narration_event(settings: Settings, narration_id: str, queue: DeliveryQueue | None = None) -> list[str]:
    """Record the deliveries announcing a finished narration, with their first attempts in the outbox, and
    publish those at once if the broker answers; the new delivery ids.

    Never raises: a webhook problem must not fail a narration. Idempotent: the
    event id is derived from the narration, so a second call delivers nothing new.
    """
    try:
        found = narration_event(settings, narration_id)
        if found is None:
            return []
        event, feed, project = found
        with session_scope(settings.database_url) as session:
            created = store.record_event(session, event, feed, project)
            dispatches = [
                outbox.add(session, WEBHOOK_DELIVERY_TASK, [delivery_id, 1], DEFAULT_QUEUE).id
                for delivery_id in created
            ]
        if dispatches:
            with session_scope(settings.database_url) as session:
                outbox.publish_now(session, queue or _worker_queue(), dispatches)
        return created
    except Exception:
        log.exception("could not announce narration %s to webhooks", narration_id)
        return []


def _enqueue_or_defer(
    settings: Settings, queue: DeliveryQueue, delivery_id: str, attempt: int, countdown_s: float
) -> None:
    """Enqueue an attempt after `countdown_s`; if the broker does not take it, leave it in the outbox with its due
    time (the dispatcher sends it when the broker is back; it waits out what is left of the countdown then)."""
    try:
        queue.enqueue_webhook_delivery(delivery_id, attempt, countdown_s)
    except Exception:
        due = (utcnow() + timedelta(seconds=countdown_s)).isoformat()
        log.warning(
            "webhook delivery %s attempt %d left in the outbox (due %s)", delivery_id, attempt, due, exc_info=True
        )
        with session_scope(settings.database_url) as session:
            outbox.add(session, WEBHOOK_DELIVERY_TASK, [delivery_id, attempt, due], DEFAULT_QUEUE)


Sender = Callable[..., AttemptResult]


def deliver(
    settings: Settings,
    delivery_id: str,
    attempt: int,
    queue: DeliveryQueue,
    *,
    not_before: str | None = None,
    send: Sender = post_signed,
    rand: Callable[[], float] = random.random,
) -> str:
    """Make attempt number `attempt` of a delivery and schedule the next; returns the delivery's status.

    Idempotent per attempt: a redelivered task message for an attempt already
    on record, or for a delivery that is over or gone, does nothing. An attempt
    that arrives before `not_before` (ISO 8601; a retry the outbox kept) is
    enqueued again for the time left.
    """
    if not_before is not None and (wait_s := (datetime.fromisoformat(not_before) - utcnow()).total_seconds()) > 0:
        queue.enqueue_webhook_delivery(delivery_id, attempt, wait_s)  # a broker error: the task is retried
        return "scheduled"
    with session_scope(settings.database_url) as session:
        due = store.due_attempt(session, delivery_id, attempt)
    if due is None:
        log.info("webhook delivery %s attempt %d: nothing to do", delivery_id, attempt)
        return "skipped"
    result = send(
        due.url,
        msg_id=due.event_id,
        body=due.body,
        secret=due.secret,
        policy=TargetPolicy.of(settings),
        timeout_s=settings.webhook_timeout_s,
    )
    decision = decide(
        result.outcome,
        attempt,
        max_attempts=settings.webhook_max_attempts,
        base_s=settings.webhook_retry_base_s,
        max_s=settings.webhook_retry_max_s,
        retry_after_s=result.retry_after_s,
        rand=rand,
    )
    with session_scope(settings.database_url) as session:
        delivery = store.record_attempt(
            session,
            delivery_id,
            attempt,
            started_at=result.started_at,
            duration_ms=result.duration_ms,
            status_code=result.status_code,
            error=result.error,
            outcome=result.outcome,
            decision=decision,
        )
        status = delivery.status if delivery is not None else "gone"
    metrics.WEBHOOK_ATTEMPTS.labels(str(result.outcome)).inc()
    if status in ("succeeded", "failed"):
        metrics.WEBHOOK_DELIVERIES.labels(status).inc()
    log.info(
        "webhook delivery %s attempt %d: %s in %d ms -> %s",
        delivery_id,
        attempt,
        result.status_code or result.error,
        result.duration_ms,
        status,
    )
    if status == "pending" and decision.retry_in_s is not None:
        _enqueue_or_defer(settings, queue, delivery_id, attempt + 1, decision.retry_in_s)
    return status
