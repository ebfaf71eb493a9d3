"""Celery tasks: thin wrappers that pass ids to plain functions."""

from __future__ import annotations

import logging

from celery.signals import worker_process_init

from service.queue import NARRATE_TASK, make_celery
from service.settings import get_settings
from service.voices import get_voice
from workers.engines import load_engine
from workers.narrate import TRANSIENT_ERRORS, run_narration

app = make_celery(get_settings())


@app.task(
    name=NARRATE_TASK,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def narrate(narration_id: str) -> str:
    """Narrate one queued narration by id."""
    return run_narration(narration_id, get_settings())


@worker_process_init.connect
def _warm_default_voice(**_kwargs: object) -> None:
    """Load the default voice when a worker process starts, so the first job does not wait for it."""
    try:
        settings = get_settings()
        load_engine(get_voice(settings.voices_dir, settings.default_voice))
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
