"""How a narration's work fails: which errors are retried, and what a lasting failure records."""

from __future__ import annotations

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError

from service.articles import records
from service.core import metrics
from service.core.db import session_scope
from service.core.errors import NarratorError
from service.core.queue import BROKER_ERRORS
from service.core.settings import Settings
from workers.webhooks import emit_narration_event

# Errors worth retrying (by Celery, with backoff): the database or the broker was busy or briefly
# unreachable. What a retry cannot publish (the broker is down) the reconciler re-dispatches.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, *BROKER_ERRORS)


def fail_narration(settings: Settings, narration_id: str, code: str, message: str) -> None:
    """Record a narration's failure once, count it, announce it to webhooks."""
    with session_scope(settings.database_url) as session:
        counted = records.get_narration(session, narration_id).status in records.TERMINAL_STATUSES
        voice = records.fail_narration(session, narration_id, code, message).voice
    if not counted:  # a narration another failed segment already failed is not counted again
        metrics.count_finished(voice, "failed", code)
    emit_narration_event(settings, narration_id)  # webhooks; never raises


def failure_of(exc: BaseException, settings: Settings) -> tuple[str, str]:
    """(code, message) recorded for a failure."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return "timeout", f"took longer than {settings.task_time_limit_s} s"
    if isinstance(exc, NarratorError):
        return exc.code, exc.message
    return "synthesis_failed", f"{type(exc).__name__}: {exc}"
