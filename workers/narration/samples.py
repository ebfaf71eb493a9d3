"""The `narrator.voice_sample` task: narrate a voice's sample text once and keep it.

The task (workers/tasks.py) calls `make_sample_task_result`; the API only sends
it by name (service/listeners/samples.py).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from service.core.db import session_scope
from service.core.errors import NarratorError
from service.core.settings import Settings
from service.core.storage import storage_for
from service.core.voices import Voice, catalog_dirs, get_voice
from service.listeners.samples import (
    done_sample_key,
    ensure_sample_table,
    record_failure,
    record_sample,
    sample_document,
)
from workers.narration.failures import TRANSIENT_ERRORS
from workers.narration.pipeline import narrate_document
from workers.narration.tags import AudioTags
from workers.synthesis import load_engine

log = logging.getLogger(__name__)


def make_voice_sample(voice_id: str, settings: Settings) -> str:
    """Narrate `voice_id`'s sample into storage and record it; returns "done" or "failed".

    Idempotent: a sample already stored for this version of the voice is kept.
    Expected failures (engine not installed, unknown voice) are recorded for
    the API to report, not raised, so the task is not retried for them.
    """
    ensure_sample_table(settings.database_url)
    storage = storage_for(settings)
    voice = get_voice(catalog_dirs(settings), voice_id)
    with session_scope(settings.database_url) as session:
        key = done_sample_key(session, voice)
    if key and storage.exists(key):
        return "done"
    try:
        engine = load_engine(voice)
        with tempfile.TemporaryDirectory(prefix="narrator-sample-") as tmp:
            rendered = narrate_document(
                sample_document(voice),
                voice,
                engine,
                Path(tmp) / "sample.mp3",
                sample_rate=settings.output_sample_rate,
                kbps=settings.mp3_bitrate_kbps,
                tags=AudioTags(title=f"{voice.name}: voice sample", artist=voice.name),
            )
            stored = storage.put_file(rendered.path, "mp3")
    except TRANSIENT_ERRORS:
        raise
    except NarratorError as exc:
        _fail(settings, voice, exc.code, exc.message)
        return "failed"
    except Exception as exc:
        log.exception("sample of voice %s failed", voice_id)
        _fail(settings, voice, "synthesis_failed", f"{type(exc).__name__}: {exc}")
        return "failed"
    with session_scope(settings.database_url) as session:
        record_sample(session, voice, stored.key)
    log.info("sample of voice %s: %s (%.1f s)", voice_id, stored.key, rendered.duration_s)
    return "done"


def _fail(settings: Settings, voice: Voice, code: str, message: str) -> None:
    with session_scope(settings.database_url) as session:
        record_failure(session, voice, code, message)


def make_sample_task_result(voice_id: str, settings: Settings) -> str:
    """The voice-sample task's body: make the sample, or report an id this worker's catalog lacks."""
    try:
        return make_voice_sample(voice_id, settings)
    except NarratorError as exc:
        # An id the API accepted but this worker's catalog lacks (deploys out of step).
        log.warning("voice sample %s: %s", voice_id, exc.message)
        return "failed"
