"""The Celery application both sides share, and how the API enqueues work.

The API only ever calls `send_task` with a task *name*, so it never imports the
workers' code or any model library. The worker process registers the tasks
(workers/tasks.py) on an app built by the same function.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import kombu.exceptions
from celery import Celery
from celery.signals import before_task_publish

from service.core import logs
from service.core.settings import Settings

NARRATE_TASK = "narrator.narrate"
SEGMENT_TASK = "narrator.synthesize_segment"
ASSEMBLE_TASK = "narrator.assemble"
WEBHOOK_DELIVERY_TASK = "narrator.deliver_webhook"
ANNOUNCE_TASK = "narrator.announce_narration"  # webhooks for a narration that finished elsewhere

# Publishing goes to its own queue so a backfill of thousands never delays
# breaking news; run dedicated `narrator worker --queues narrator.now` workers
# for a hard guarantee (a worker consuming both takes from each in turn).
PRIORITY_QUEUES = {"now": "narrator.now", "backfill": "narrator.backfill"}
DEFAULT_QUEUE = PRIORITY_QUEUES["now"]
# Short work that unblocks a listener never waits behind a backlog of segments:
# assemblies, the first segments of a `now` narration and the reconciler go here.
# Workers consume it first (kombu takes from a worker's queues in turn).
URGENT_QUEUE = "narrator.urgent"
ALL_QUEUES = ",".join([URGENT_QUEUE, *PRIORITY_QUEUES.values()])
RECONCILE_TASK = "narrator.reconcile"
POLL_SOURCE_TASK = "narrator.poll_source"  # one poll of a feed or sitemap (service/sources/poll.py)
FIRST_SEGMENTS_URGENT = 2  # how many of a `now` narration's first missing segments go to the urgent queue


def _broker_errors() -> tuple[type[Exception], ...]:
    errors: list[type[Exception]] = [
        kombu.exceptions.OperationalError,  # kombu's wrapper of a lost or refused connection
        kombu.exceptions.ConnectionError,
        kombu.exceptions.ChannelError,
        ConnectionError,
        TimeoutError,
    ]
    try:
        import redis.exceptions

        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, redis.exceptions.BusyLoadingError]
    except ImportError:  # no Redis client: the embedded broker only
        pass
    return tuple(errors)


# Every error of an unreachable or restarting broker: retried, never a failed narration.
BROKER_ERRORS: tuple[type[Exception], ...] = _broker_errors()

# Publishing from the API gives up fast (the outbox keeps the task): a request never hangs on a dead broker.
FAST_PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def segment_queue(priority: str, position: int) -> str:
    """The queue of a narration's `position`-th missing segment: a `now` narration's first ones jump the line."""
    if priority == "now" and position < FIRST_SEGMENTS_URGENT:
        return URGENT_QUEUE
    return PRIORITY_QUEUES[priority]


# A message header with the log context of the sender (request id, article, narration): a
# worker's log lines about a narration carry the id of the request that asked for it.
CONTEXT_HEADER = "narrator_context"


def make_celery(settings: Settings) -> Celery:
    """A Celery app configured from settings (broker URL, limits, delivery guarantees)."""
    broker = settings.broker_url
    if settings.embedded_broker:
        from service.core import embedded_broker

        broker = embedded_broker.broker_url(broker)  # polls every 20 ms instead of every second
    app = Celery("narrator", broker=broker)
    transport_options: dict[str, object]
    if settings.embedded_broker:
        # kombu's SQLAlchemy transport hands every transport option to
        # create_engine(), so only engine arguments may go here: wait for the
        # SQLite lock instead of failing while the API and worker both write.
        transport_options = {"connect_args": {"timeout": 30}}
    else:
        transport_options = {"visibility_timeout": settings.visibility_timeout_s}
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=settings.task_time_limit_s,
        task_soft_time_limit=max(5, settings.task_time_limit_s - 30),
        task_default_queue=DEFAULT_QUEUE,
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a worker waits out any broker outage (the reconciler catches up)
        broker_connection_timeout=3,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        enable_utc=True,
    )
    return app


def _carry_log_context(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    context = logs.carried_context()
    if context and headers is not None:
        headers.setdefault(CONTEXT_HEADER, context)


before_task_publish.connect(_carry_log_context)  # every task this process sends, from the API or a worker


def queue_depths(app: Celery, queues: Iterable[str] = ALL_QUEUES.split(",")) -> dict[str, int]:
    """Messages waiting in each queue, as the broker counts them.

    kombu asks the transport: Redis sums LLEN over the queue's keys (one per
    priority step); the SQLAlchemy transport counts the queue's visible rows in
    `kombu_message`. Messages a worker has taken but not yet acknowledged are
    not waiting. A queue no one declared yet holds nothing.
    """
    depths: dict[str, int] = {}
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        channel = conn.default_channel
        for name in queues:
            try:
                depths[name] = int(channel.queue_declare(queue=name, passive=True).message_count)
            except kombu.exceptions.ChannelError:  # Redis: no key, so no message
                depths[name] = 0
    return depths


class NarrationQueue(Protocol):
    """What the API needs from the queue (tests substitute a recording fake)."""

    def enqueue_narration(self, narration_id: str, priority: str = "now") -> None: ...
    def enqueue_segment(self, key: str, priority: str = "now") -> None: ...
    def send(self, task: str, args: list[Any], queue: str) -> None: ...
    def check(self) -> None: ...
    def depths(self) -> dict[str, int]: ...


class CeleryQueue:
    """Enqueue narrations by task name on the configured broker."""

    def __init__(self, settings: Settings) -> None:
        self.app = make_celery(settings)

    def enqueue_narration(self, narration_id: str, priority: str = "now") -> None:
        self.app.send_task(NARRATE_TASK, args=[narration_id], queue=PRIORITY_QUEUES[priority])

    def enqueue_segment(self, key: str, priority: str = "now") -> None:
        self.app.send_task(SEGMENT_TASK, args=[key], queue=PRIORITY_QUEUES[priority])

    def send(self, task: str, args: list[Any], queue: str) -> None:
        """Publish one task by name (the outbox's dispatcher); a dead broker raises within about a second."""
        self.app.send_task(task, args=args, queue=queue, retry=True, retry_policy=FAST_PUBLISH_RETRY)

    def check(self) -> None:
        """Raise if the broker cannot be reached (readiness probe)."""
        with self.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)

    def depths(self) -> dict[str, int]:
        """Messages waiting in each queue (the `narrator_queue_depth` gauge)."""
        return queue_depths(self.app)
