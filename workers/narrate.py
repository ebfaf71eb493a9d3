"""Run one queued narration: the body of the Celery task, as a plain function."""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError

from service import records
from service.db import session_scope
from service.errors import NarratorError
from service.models import Article
from service.settings import Settings
from service.storage import Storage, open_storage
from service.voices import get_voice
from workers.audio.tags import AudioTags
from workers.engines import load_engine
from workers.pipeline import RenderedNarration, narrate_document
from workers.webhooks import emit_narration_event

log = logging.getLogger(__name__)

# Errors worth retrying: the database was busy or briefly unreachable.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError,)

PROGRESS_EVERY_S = 0.5


class ProgressWriter:
    """Writes a narration's progress to its record, at most every half second."""

    def __init__(self, settings: Settings, narration_id: str) -> None:
        self.settings, self.narration_id = settings, narration_id
        self._last = 0.0

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_EVERY_S and fraction < 1.0:
            return
        self._last = now
        # Stop just short of 1.0: "done" means stored, not merely synthesized.
        with session_scope(self.settings.database_url) as session:
            records.set_progress(session, self.narration_id, min(fraction, 0.99))


def tags_of(article: Article) -> AudioTags:
    """The ID3 tags for an article's audio: its title, byline (else its feed) and feed."""
    return AudioTags(title=article.title, artist=article.byline or article.feed, album=article.feed)


def store_narration(storage: Storage, rendered: RenderedNarration) -> records.FinishedAudio:
    """Store the tagged MP3 and its captions, marks and chapters; what the narration record links to.

    The MP3 is stored as tagged, so its key, digest and size (the feed's
    enclosure length) are those of the bytes listeners download.
    """
    stored = storage.put_file(rendered.path, "mp3")
    captions = storage.put_bytes(rendered.captions_vtt.encode("utf-8"), "vtt") if rendered.captions_vtt else None
    marks = storage.put_bytes(rendered.marks_json.encode("utf-8"), "json") if rendered.marks_json else None
    chapters = storage.put_bytes(rendered.chapters_json.encode("utf-8"), "json") if rendered.chapters else None
    return records.FinishedAudio(
        sha256=stored.sha256,
        audio_key=stored.key,
        bytes=stored.size,
        duration_s=rendered.duration_s,
        captions_key=captions.key if captions else None,
        marks_key=marks.key if marks else None,
        chapters_key=chapters.key if chapters else None,
    )


def run_narration(narration_id: str, settings: Settings) -> str:
    """Narrate, store and publish one narration; returns its final status.

    Idempotent: a narration that is already done or failed is left as it is,
    and a redelivered running one is simply made again (same bytes, same key).
    """
    with session_scope(settings.database_url) as session:
        narration = records.start_narration(session, narration_id)
        if narration is None:
            log.info("narration %s already finished; nothing to do", narration_id)
            return records.get_narration(session, narration_id).status
        article = records.get_article(session, narration.article_id)
        document = records.document_of(article)
        tags = tags_of(article)
        voice_id = narration.voice
    try:
        voice = get_voice(settings.voices_dir, voice_id)
        engine = load_engine(voice)
        storage = open_storage(settings.storage_url)
        with tempfile.TemporaryDirectory(prefix="narrator-") as tmp:
            rendered = narrate_document(
                document,
                voice,
                engine,
                Path(tmp) / "narration.mp3",
                sample_rate=settings.output_sample_rate,
                kbps=settings.mp3_bitrate_kbps,
                on_progress=ProgressWriter(settings, narration_id),
                tags=tags,
            )
            audio = store_narration(storage, rendered)
        with session_scope(settings.database_url) as session:
            records.finish_narration(session, narration_id, audio)
        emit_narration_event(settings, narration_id)  # webhooks; never raises
        log.info(
            "narration %s done: %s (%.1f s, %s LUFS, %s dBTP)",
            narration_id, audio.audio_key, rendered.duration_s, rendered.loudness_lufs, rendered.true_peak_dbtp,
        )
        return "done"
    except TRANSIENT_ERRORS:
        raise
    except SoftTimeLimitExceeded:
        _fail(settings, narration_id, "timeout", f"narration took longer than {settings.task_time_limit_s} s")
        return "failed"
    except NarratorError as exc:
        _fail(settings, narration_id, exc.code, exc.message)
        return "failed"
    except Exception as exc:  # noqa: BLE001 - record any failure on the narration, keep the worker serving
        log.exception("narration %s failed", narration_id)
        _fail(settings, narration_id, "synthesis_failed", f"{type(exc).__name__}: {exc}")
        return "failed"


def _fail(settings: Settings, narration_id: str, code: str, message: str) -> None:
    with session_scope(settings.database_url) as session:
        records.fail_narration(session, narration_id, code, message)
    emit_narration_event(settings, narration_id)  # webhooks; never raises
