"""The workers' one Celery app: configured from settings, tasks found by autodiscovery.

Every task is a `@shared_task` in `workers/tasks.py`; this module imports no
task code, so nothing depends on import order. The API builds its own app with
the same `make_celery` and only ever sends tasks by name.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any

import celery.apps.worker
from celery.signals import setup_logging
from celery.utils.log import get_multiprocessing_logger

from service.core.logs import configure_logging
from service.core.queue import make_celery
from service.core.settings import get_settings


@setup_logging.connect
def _narrator_logging(loglevel: int | str | None = None, **_kwargs: object) -> None:
    """Celery keeps narrator's logging (NARRATOR_LOG_FORMAT, set up by the `narrator` command) instead of its own."""
    root = logging.getLogger()
    if not root.handlers:  # started some other way (`celery -A workers.celery_app worker`)
        configure_logging(get_settings().log_format)
    if loglevel:
        root.setLevel(loglevel)
    # The pool's own logger ("Process 'ForkPoolWorker-1' exited with ...") goes through ours too,
    # at the level Celery would give it, instead of Python's last-resort handler.
    pool_logger = get_multiprocessing_logger()
    pool_logger.propagate = True
    pool_logger.setLevel(logging.ERROR)
    if get_settings().log_format == "json":
        celery.apps.worker.safe_say = _say_as_json


def _say_as_json(msg: str, f: Any = None) -> None:
    """Celery's own lines about shutting down ("worker: Warm shutdown"), as JSON lines too.

    Celery writes them from signal handlers with one os.write, not through
    logging (which takes locks); this does the same.
    """
    event = {
        "event": msg.strip(),
        "logger": "celery.apps.worker",
        "level": "warning",
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    stream = f or sys.__stderr__
    if stream is None:
        return
    with contextlib.suppress(AttributeError, OSError, ValueError):  # as quiet as Celery's own on failure
        os.write(stream.fileno(), (json.dumps(event) + "\n").encode())


app = make_celery(get_settings())
app.set_default()
app.autodiscover_tasks(["workers"], force=True)
