"""A narration as parallel work: plan segments, synthesize the missing ones anywhere, assemble once.

Three plain functions, each the body of one Celery task (workers/tasks.py):

- `start_narration`: splits the article into segments (one per spoken block),
  reuses every cached one, and dispatches the rest to any worker;
- `synthesize_segment`: makes one segment; the worker that completes a
  narration's last segment dispatches its assembly (fan-in through the
  database: no result backend, and a worker dying only delays its segment,
  whose unacknowledged task is redelivered);
- `assemble_narration`: joins the segments, masters, encodes once, tags, stores
  the MP3 with its captions, marks and chapters, and makes it current.

All three are idempotent: running one twice does no harm.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path
from typing import Protocol

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import IntegrityError, OperationalError

from service.articles import planning, records
from service.core import logs, metrics
from service.core.db import session_scope
from service.core.errors import NarratorError
from service.core.models import Feed, utcnow
from service.core.queue import BROKER_ERRORS
from service.core.settings import Settings
from service.core.storage import ObjectNotFound, Storage, storage_for
from service.core.voices import catalog_dirs, get_voice
from service.segments import plan as segments
from workers.audio.parts import EncodedPart
from workers.narration.blocks import BlockAudio, synthesize_block
from workers.narration.layout import join_blocks
from workers.narration.publish import store_narration, tags_of
from workers.narration.render import Mastering, PartSource, block_part, render_mp3
from workers.narration.review import review_narration
from workers.narration.segment_store import (
    load_block,
    load_part,
    part_key,
    store_block,
    store_part,
)
from workers.synthesis import load_engine
from workers.synthesis.base import SynthesisOptions, with_options
from workers.synthesis.phonemes import word_phonemizer
from workers.webhooks import emit_narration_event

log = logging.getLogger(__name__)

# Errors worth retrying (by Celery, with backoff): the database or the broker was busy or briefly
# unreachable. What a retry cannot publish (the broker is down) the reconciler re-dispatches.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, *BROKER_ERRORS)


class Dispatch(Protocol):
    """How work is handed to workers (Celery in production, inline in tests)."""

    def synthesize(self, key: str, priority: str) -> None: ...
    def assemble(self, narration_id: str, priority: str) -> None: ...


def _fail(settings: Settings, narration_id: str, code: str, message: str) -> None:
    with session_scope(settings.database_url) as session:
        counted = records.get_narration(session, narration_id).status in records.TERMINAL_STATUSES
        voice = records.fail_narration(session, narration_id, code, message).voice
    if not counted:  # a narration another failed segment already failed is not counted again
        metrics.count_finished(voice, "failed", code)
    emit_narration_event(settings, narration_id)  # webhooks; never raises


def _failure(exc: BaseException, settings: Settings) -> tuple[str, str]:
    """(code, message) recorded for a failure."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return "timeout", f"took longer than {settings.task_time_limit_s} s"
    if isinstance(exc, NarratorError):
        return exc.code, exc.message
    return "synthesis_failed", f"{type(exc).__name__}: {exc}"


def start_narration(narration_id: str, settings: Settings, dispatch: Dispatch) -> str:
    """Plan a queued narration and dispatch its missing segments; returns its status."""
    try:
        with session_scope(settings.database_url) as session:
            narration = records.start_narration(session, narration_id)
            if narration is None:
                return records.get_narration(session, narration_id).status
            article = records.get_article(session, narration.article_id)
            logs.bind(article_id=article.id)
            document = records.document_of(article)
            specs = planning.article_specs(session, settings, article, document, narration.voice)
            plan = segments.plan_narration(session, narration, specs, bypass_cache=narration.bypass_cache)
            priority = narration.priority
            hits = narration.segments_cached  # positions the cache serves (a repeated missing block: missing)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        log.exception("narration %s could not be planned", narration_id)
        _fail(settings, narration_id, *_failure(exc, settings))
        return "failed"
    log.info("narration %s: %d segments, %d cached", narration_id, len(plan.keys), plan.cached)
    metrics.count_cache(hits, len(plan.keys) - hits)
    if not plan.missing:
        return assemble_narration(narration_id, settings)
    for key in plan.missing:
        dispatch.synthesize(key, priority)
    return "running"


def synthesize_segment(key: str, settings: Settings, dispatch: Dispatch) -> str:
    """Make one segment (unless it is done already) and hand finished narrations to assembly."""
    with session_scope(settings.database_url) as session:
        segment = segments.get_segment(session, key)
        if segment is None:
            return "missing"
        status, spec = segment.status, segments.SegmentSpec.from_json(segment.spec)
    if status == "cancelled":
        return "cancelled"  # its article was deleted and no kept narration needs it
    if status != "done":
        started = time.perf_counter()  # synthesis and storing its audio; not mastering and encoding its part
        try:
            voice = get_voice(catalog_dirs(settings), spec.voice)
            # One loaded engine per voice; the speed goes with each call, not into the engine.
            engine = with_options(load_engine(voice), SynthesisOptions(speed=spec.speed))
            block = synthesize_block(
                spec.text,
                spec.kind,
                voice,
                engine,
                language=spec.language,
                lexicon=spec.lexicon,
                phonemize=word_phonemizer(voice),
            )
            storage = storage_for(settings)
            audio_key = store_block(storage, block)
            metrics.observe_synthesis(spec.voice, time.perf_counter() - started, len(block.pcm) / block.sample_rate)
            # Master and encode it here too: the assembly then only joins frames, and parts encode in parallel.
            try:
                _make_part(settings, storage, key, audio_key, block, Mastering())
            except TRANSIENT_ERRORS:
                raise
            except Exception:
                log.exception("segment %s: its part could not be made here; the assembly will try", key)
            with session_scope(settings.database_url) as session:
                segments.complete_segment(
                    session,
                    key,
                    audio_key=audio_key,
                    timings=block.timings(),
                    sample_rate=block.sample_rate,
                    samples=len(block.pcm),
                )
        except TRANSIENT_ERRORS:
            raise
        except Exception as exc:
            log.exception("segment %s failed", key)
            code, message = _failure(exc, settings)
            with session_scope(settings.database_url) as session:
                segments.fail_segment(session, key, code, message)
                waiting = segments.waiting_narrations(session, key)
            for narration_id in waiting:
                _fail(settings, narration_id, code, message)
            return "failed"
    _fan_in(key, settings, dispatch)
    return "done"


def _make_part(
    settings: Settings,
    storage: Storage,
    segment_key: str,
    block_audio_key: str,
    block: BlockAudio,
    mastering: Mastering,
    *,
    first: bool = False,
    last: bool = False,
) -> EncodedPart:
    """Master and encode a segment for the configured output, store its frames and remember where."""
    rate, kbps = settings.output_sample_rate, settings.mp3_bitrate_kbps
    key = part_key(block_audio_key, sample_rate=rate, kbps=kbps, mastering=mastering, first=first, last=last)
    part = block_part(block, sample_rate=rate, kbps=kbps, mastering=mastering, first=first, last=last)
    record = store_part(storage, key, segment_key, part)
    try:
        with session_scope(settings.database_url) as session:
            segments.save_part(session, record)
    except IntegrityError:
        pass  # another worker remembered the same part first: same key, same frames
    return part


def _cached_parts(
    settings: Settings, storage: Storage, planned: list[tuple[str, str]], mastering: Mastering
) -> PartSource:
    """Where the assembly takes each block's part: the cache, else made now (and cached).

    `planned` holds each block's (segment key, stored block audio key).
    """
    rate, kbps = settings.output_sample_rate, settings.mp3_bitrate_kbps

    def part_for(index: int, block: BlockAudio, first: bool, last: bool) -> EncodedPart:
        segment_key, audio_key = planned[index]
        key = part_key(audio_key, sample_rate=rate, kbps=kbps, mastering=mastering, first=first, last=last)
        with session_scope(settings.database_url) as session:
            record = segments.get_part(session, key)
        if record is not None:
            try:
                return load_part(storage, record)  # one request, not a check and a read
            except ObjectNotFound:
                pass  # its frames were removed: made again below
        return _make_part(settings, storage, segment_key, audio_key, block, mastering, first=first, last=last)

    return part_for


def _asset_file(storage: Storage, key: str | None, directory: Path) -> Path | None:
    """A feed's intro or outro as a file of ours in `directory` (the mixer reads files), named by its key."""
    if not key:
        return None
    path = directory / key
    if not path.exists():
        path.write_bytes(storage.get_bytes(key))
    return path


def _fan_in(key: str, settings: Settings, dispatch: Dispatch) -> None:
    """Update the progress of narrations waiting on `key`; dispatch those now complete."""
    with session_scope(settings.database_url) as session:
        waiting = segments.waiting_narrations(session, key)
        ready: list[tuple[str, str]] = []
        for narration_id in waiting:
            done, total = segments.progress(session, narration_id)
            records.set_progress(session, narration_id, min(done / max(total, 1), 0.99))
            if done == total:
                ready.append((narration_id, records.get_narration(session, narration_id).priority))
    # Two workers finishing the last segments at once may both dispatch: assembly is idempotent.
    for narration_id, priority in ready:
        dispatch.assemble(narration_id, priority)


def assemble_narration(narration_id: str, settings: Settings) -> str:
    """Join a narration's segments, render the final files, store them, make the narration current."""
    with session_scope(settings.database_url) as session:
        narration = records.get_narration(session, narration_id)
        if narration.status in records.TERMINAL_STATUSES:
            return narration.status
        planned = segments.planned_segments(session, narration_id)
        if any(s.status != "done" for s in planned):
            return narration.status  # not ready: the last segment's worker dispatches again
        narration.progressed_at = utcnow()  # the reconciler's clock: assembling now
        article = records.get_article(session, narration.article_id)
        logs.bind(article_id=article.id)
        feed = session.get(Feed, article.feed) if article.feed else None
        assets = {name: getattr(feed, f"{name}_key", None) for name in ("intro", "outro", "cover")}
        document, voice_id = records.document_of(article), narration.voice
        cached, asr_review = narration.segments_cached, narration.asr_review
        for segment in planned:
            session.expunge(segment)
    started = time.perf_counter()
    try:
        storage = storage_for(settings)
        voice = get_voice(catalog_dirs(settings), voice_id)
        blocks = [load_block(storage, s) for s in planned]
        with tempfile.TemporaryDirectory(prefix="narrator-") as tmp:
            intro, outro = (_asset_file(storage, assets[n], Path(tmp)) for n in ("intro", "outro"))
            cover = storage.get_bytes(assets["cover"]) if assets["cover"] else None
            tags = tags_of(article, feed, cover)
            mastering = Mastering(tags=tags, intro=intro, outro=outro)
            rendered = render_mp3(
                document,
                voice,
                blocks,
                Path(tmp) / "narration.mp3",
                sample_rate=settings.output_sample_rate,
                kbps=settings.mp3_bitrate_kbps,
                mastering=mastering,
                parts=_cached_parts(settings, storage, [(s.key, str(s.audio_key)) for s in planned], mastering),
            )
            audio = store_narration(storage, rendered)
        with session_scope(settings.database_url) as session:
            finished = records.finish_narration(session, narration_id, audio)
            finished.segments_synthesized = len(planned) - cached
        metrics.ASSEMBLY_SECONDS.observe(time.perf_counter() - started)
        metrics.count_finished(voice_id, "done")
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        log.exception("narration %s could not be assembled", narration_id)
        _fail(settings, narration_id, *_failure(exc, settings))
        return "failed"
    emit_narration_event(settings, narration_id)  # webhooks; never raises
    log.info("narration %s done: %s (%.1f s)", narration_id, audio.audio_key, rendered.duration_s)
    if asr_review:
        # After publishing: the review is advisory and never delays or fails the narration.
        review_narration(settings, narration_id, join_blocks(document, voice, blocks))
    return "done"
