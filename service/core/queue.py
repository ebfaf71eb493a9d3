"""The Celery application both sides share, and how the API enqueues work.

The API only ever calls `send_task` with a task *name*, so it never imports the
workers' code or any model library. The worker process registers the tasks
(workers/tasks.py) on an app built by the same function.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

from celery import Celery
from celery.signals import before_task_publish
from kombu.exceptions import ChannelError

from service.core import logs
from service.core.settings import Settings

log = logging.getLogger(__name__)

NARRATE_TASK = "narrator.narrate"
SEGMENT_TASK = "narrator.synthesize_segment"
ASSEMBLE_TASK = "narrator.assemble"
WEBHOOK_DELIVERY_TASK = "narrator.deliver_webhook"

# Publishing goes to its own queue so a backfill of thousands never delays
# breaking news; run dedicated `narrator worker --queues narrator.now` workers
# for a hard guarantee (a worker consuming both takes from each in turn).
PRIORITY_QUEUES = {"now": "narrator.now", "backfill": "narrator.backfill"}
DEFAULT_QUEUE = PRIORITY_QUEUES["now"]
ALL_QUEUES = ",".join(PRIORITY_QUEUES.values())

# A message header with the log context of the sender (request id, article, narration): a
# worker's log lines about a narration carry the id of the request that asked for it.
CONTEXT_HEADER = "narrator_context"


def make_celery(settings: Settings) -> Celery:
    """A Celery app configured from settings (broker URL, limits, delivery guarantees)."""
    app = Celery("narrator", broker=settings.broker_url)
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


def queue_depths(app: Celery, queues: Iterable[str] = PRIORITY_QUEUES.values()) -> dict[str, int]:
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
            except ChannelError:  # Redis: no key, so no message
                depths[name] = 0
    return depths


class NarrationQueue(Protocol):
    """What the API needs from the queue (tests substitute a recording fake)."""

    def enqueue_narration(self, narration_id: str, priority: str = "now") -> None: ...
    def enqueue_segment(self, key: str, priority: str = "now") -> None: ...
    def check(self) -> None: ...
    def depths(self) -> dict[str, int]: ...


class CeleryQueue:
    """Enqueue narrations by task name on the configured broker."""

    def __init__(self, settings: Settings) -> None:
        self.app = make_celery(settings)

    def enqueue_narration(self, narration_id: str, priority: str = "now") -> None:
        with logs.bound(narration_id=narration_id):
            self.app.send_task(NARRATE_TASK, args=[narration_id], queue=PRIORITY_QUEUES[priority])
            log.info("narration %s queued on %s", narration_id, PRIORITY_QUEUES[priority])

    def enqueue_segment(self, key: str, priority: str = "now") -> None:
        self.app.send_task(SEGMENT_TASK, args=[key], queue=PRIORITY_QUEUES[priority])

    def check(self) -> None:
        """Raise if the broker cannot be reached (readiness probe)."""
        with self.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)

    def depths(self) -> dict[str, int]:
        """Messages waiting in each priority queue (the `narrator_queue_depth` gauge)."""
        return queue_depths(self.app)
