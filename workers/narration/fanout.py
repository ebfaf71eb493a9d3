"""A narration as parallel work: plan segments, synthesize the missing ones anywhere, assemble once.

Three plain functions, each the body of one Celery task (workers/tasks.py):

- `start_narration`: splits the article into segments (one per spoken block),
  reuses every cached one, and dispatches the rest to any worker;
- `synthesize_segment`: makes one segment; the worker that completes a
  narration's last segment dispatches its assembly (fan-in through the
  database: no result backend, and a worker dying only delays its segment,
  whose unacknowledged task is redelivered);
- `assemble_narration` (workers/narration/assembly.py): joins the segments'
  parts, tags, stores the MP3 with its captions, marks and chapters, and makes
  it current.

All three are idempotent: running one twice does no harm.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from service.articles import planning, records
from service.core import logs, metrics
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import storage_for
from service.core.voices import catalog_dirs, get_voice
from service.segments import plan as segments
from workers.narration.assembly import assemble_narration
from workers.narration.blocks import synthesize_block
from workers.narration.failures import TRANSIENT_ERRORS, fail_narration, failure_of
from workers.narration.parts import make_part
from workers.narration.render import Mastering
from workers.narration.segment_store import store_block
from workers.synthesis import load_engine
from workers.synthesis.base import SynthesisOptions, with_options
from workers.synthesis.phonemes import word_phonemizer

# assemble_narration is the fan-out's last step: importable from here with the other two.
__all__ = ["Dispatch", "assemble_narration", "start_narration", "synthesize_segment"]

log = logging.getLogger(__name__)


class Dispatch(Protocol):
    """How work is handed to workers (Celery in production, inline in tests)."""

    def synthesize(self, key: str, priority: str) -> None: ...
    def assemble(self, narration_id: str, priority: str) -> None: ...


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
        fail_narration(settings, narration_id, *failure_of(exc, settings))
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
                make_part(settings, storage, key, audio_key, block, Mastering())
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
            code, message = failure_of(exc, settings)
            with session_scope(settings.database_url) as session:
                segments.fail_segment(session, key, code, message)
                waiting = segments.waiting_narrations(session, key)
            for narration_id in waiting:
                fail_narration(settings, narration_id, code, message)
            return "failed"
    _fan_in(key, settings, dispatch)
    return "done"


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
