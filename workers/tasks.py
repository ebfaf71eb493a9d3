"""Celery tasks: thin wrappers that pass ids to plain functions."""

from __future__ import annotations

import logging

from celery.signals import worker_process_init

from service.queue import ASSEMBLE_TASK, NARRATE_TASK, PRIORITY_QUEUES, SEGMENT_TASK, make_celery
from service.settings import get_settings
from service.voices import catalog_dirs, get_voice
from workers.engines import load_engine
from workers.fanout import TRANSIENT_ERRORS, assemble_narration, start_narration, synthesize_segment

app = make_celery(get_settings())

RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


class CeleryDispatch:
    """Hands segments and assembly to any worker, on the narration's priority queue."""

    def synthesize(self, key: str, priority: str) -> None:
        app.send_task(SEGMENT_TASK, args=[key], queue=PRIORITY_QUEUES[priority])

    def assemble(self, narration_id: str, priority: str) -> None:
        app.send_task(ASSEMBLE_TASK, args=[narration_id], queue=PRIORITY_QUEUES[priority])


@app.task(name=NARRATE_TASK, **RETRY)
def narrate(narration_id: str) -> str:
    """Plan one queued narration and fan its missing segments out to the workers."""
    return start_narration(narration_id, get_settings(), CeleryDispatch())


@app.task(name=SEGMENT_TASK, **RETRY)
def synthesize(key: str) -> str:
    """Synthesize one segment (a spoken block) into the segment cache."""
    return synthesize_segment(key, get_settings(), CeleryDispatch())


@app.task(name=ASSEMBLE_TASK, **RETRY)
def assemble(narration_id: str) -> str:
    """Join a narration's segments into its final files."""
    return assemble_narration(narration_id, get_settings())


@worker_process_init.connect
def _warm_default_voice(**_kwargs: object) -> None:
    """Load the default voice when a worker process starts, so the first job does not wait for it."""
    try:
        settings = get_settings()
        load_engine(get_voice(catalog_dirs(settings), settings.default_voice))
    except Exception:  # noqa: BLE001 - a failed warm-up is retried (and reported) by the first real job
        logging.getLogger(__name__).exception("could not preload the default voice")


# Webhooks (workers/webhooks.py): one attempt per task; a retryable failure
# enqueues the next attempt with a countdown. Imported here, at the end, to
# keep this addition in one block.
from service.queue import WEBHOOK_DELIVERY_TASK  # noqa: E402
from workers.webhooks import CeleryDeliveryQueue, deliver  # noqa: E402


@app.task(
    name=WEBHOOK_DELIVERY_TASK,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def deliver_webhook(delivery_id: str, attempt: int) -> str:
    """Make attempt number `attempt` of one webhook delivery by id."""
    return deliver(get_settings(), delivery_id, attempt, CeleryDeliveryQueue(app))


import workers.samples  # noqa: E402,F401 - registers narrator.voice_sample
