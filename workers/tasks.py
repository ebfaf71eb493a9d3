"""Celery tasks: thin wrappers that pass ids to plain functions, under one retry policy.

Registered with `@shared_task` and found by `workers/celery_app.py`'s
autodiscovery. Work is handed on by task name through `current_app`, so no
module here imports the app.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from celery import Task, current_app, shared_task
from celery.signals import task_failure, task_postrun, task_prerun, task_retry, task_success, worker_process_init

from service.core import logs, metrics
from service.core.queue import (
    ANNOUNCE_TASK,
    ASSEMBLE_TASK,
    CONTEXT_HEADER,
    NARRATE_TASK,
    POLL_SOURCE_TASK,
    PRIORITY_QUEUES,
    RECONCILE_TASK,
    SEGMENT_TASK,
    URGENT_QUEUE,
    WEBHOOK_DELIVERY_TASK,
    CeleryQueue,
)
from service.core.settings import get_settings
from service.core.voices import catalog_dirs, get_voice
from service.listeners.samples import VOICE_SAMPLE_TASK
from workers.heap import trim_heap
from workers.maintenance import poll_once, reconcile_once
from workers.narration.assembly import assemble_narration
from workers.narration.failures import TRANSIENT_ERRORS
from workers.narration.fanout import start_narration, synthesize_segment
from workers.narration.samples import make_sample_task_result
from workers.synthesis import engine_cache, load_engine
from workers.webhooks import CeleryDeliveryQueue, deliver, emit_narration_event

RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 10,  # about 5 minutes of backoff: outlasts a broker or database restart
}


class CeleryDispatch:
    """Hands segments and assembly to any worker, on the narration's priority queue."""

    def synthesize(self, key: str, priority: str) -> None:
        current_app.send_task(SEGMENT_TASK, args=[key], queue=PRIORITY_QUEUES[priority])

    def assemble(self, narration_id: str, priority: str) -> None:
        # Its own queue: an assembly (what the listener waits for) never waits behind a backlog of segments.
        current_app.send_task(ASSEMBLE_TASK, args=[narration_id], queue=URGENT_QUEUE)


@shared_task(name=NARRATE_TASK, **RETRY)
def narrate(narration_id: str) -> str:
    """Plan one queued narration and fan its missing segments out to the workers."""
    return start_narration(narration_id, get_settings(), CeleryDispatch())


@shared_task(name=SEGMENT_TASK, **RETRY)
def synthesize(key: str) -> str:
    """Synthesize one segment (a spoken block) into the segment cache."""
    return synthesize_segment(key, get_settings(), CeleryDispatch())


@shared_task(name=ASSEMBLE_TASK, **RETRY)
def assemble(narration_id: str) -> str:
    """Join a narration's segments into its final files."""
    return assemble_narration(narration_id, get_settings())


@shared_task(name=RECONCILE_TASK, **RETRY)
def reconcile() -> int:
    """One reconciler pass (the loop beside each worker runs it on its own clock; this is for an operator)."""
    return len(reconcile_once(get_settings()))


@functools.cache
def _queue() -> CeleryQueue:
    """This process's queue for what a poll narrates (made once: a Celery app is not free)."""
    return CeleryQueue(get_settings())


@shared_task(name=POLL_SOURCE_TASK, **RETRY)
def poll_source(source_id: str) -> str:
    """Poll one source (feed or sitemap) and narrate its new and changed items."""
    return poll_once(get_settings(), source_id, _queue()).outcome


@shared_task(name=WEBHOOK_DELIVERY_TASK, **RETRY)
def deliver_webhook(delivery_id: str, attempt: int, not_before: str | None = None) -> str:
    """Make attempt number `attempt` of one webhook delivery by id (a retryable answer enqueues the next);
    `not_before`: its due time, when it is a retry the outbox kept while the broker was down."""
    return deliver(get_settings(), delivery_id, attempt, CeleryDeliveryQueue(current_app), not_before=not_before)


@shared_task(name=ANNOUNCE_TASK, **RETRY)
def announce_narration(narration_id: str) -> int:
    """Announce a narration that finished outside a task (the reconciler failed it) to its webhooks."""
    return len(emit_narration_event(get_settings(), narration_id, CeleryDeliveryQueue(current_app)))


@shared_task(name=VOICE_SAMPLE_TASK, **RETRY)
def voice_sample(voice_id: str) -> str:
    """Make the sample of one voice (by id)."""
    return make_sample_task_result(voice_id, get_settings())


@worker_process_init.connect
def _warm_default_voice(**_kwargs: object) -> None:
    """Load the default voice when a worker process starts, so the first job does not wait for it."""
    try:
        settings = get_settings()
        load_engine(get_voice(catalog_dirs(settings), settings.default_voice))
    except Exception:  # a failed warm-up is retried (and reported) by the first real job
        logging.getLogger(__name__).exception("could not preload the default voice")


# What a task's first argument is, for its log lines.
_ARGUMENT_CONTEXT = {
    NARRATE_TASK: "narration_id",
    ASSEMBLE_TASK: "narration_id",
    ANNOUNCE_TASK: "narration_id",
    SEGMENT_TASK: "segment",
    WEBHOOK_DELIVERY_TASK: "delivery_id",
    VOICE_SAMPLE_TASK: "voice",
}


@task_prerun.connect
def _bind_task_context(task: Task, task_id: str, args: tuple[Any, ...] | None = None, **_kwargs: object) -> None:
    """Every log line of a task carries its id, the sender's context (header) and what it works on."""
    logs.clear()
    logs.bind(task=task.name, task_id=task_id, **logs.context_from(getattr(task.request, CONTEXT_HEADER, None)))
    key = _ARGUMENT_CONTEXT.get(task.name)
    if key and args:
        logs.bind(**{key: str(args[0])})


@task_postrun.connect
def _clear_task_context(**_kwargs: object) -> None:
    logs.clear()


@task_postrun.connect
def _release_engine_memory(**_kwargs: object) -> None:
    """Between tasks the engines give back their working memory: a pool process idles at the voice's size.

    Not after every sentence: taking the memory again each time cost up to 11 % more CPU (bench/piper_memory.py).
    Then what the C library keeps of the freed memory goes back too.
    """
    engine_cache().release_memory()
    trim_heap()


@task_success.connect
def _count_success(sender: Task | None = None, **_kwargs: object) -> None:
    metrics.TASKS.labels(getattr(sender, "name", "unknown"), "succeeded").inc()


@task_failure.connect
def _count_failure(sender: Task | None = None, **_kwargs: object) -> None:
    metrics.TASKS.labels(getattr(sender, "name", "unknown"), "failed").inc()


@task_retry.connect
def _count_retry(sender: Task | None = None, **_kwargs: object) -> None:
    metrics.TASKS.labels(getattr(sender, "name", "unknown"), "retried").inc()
