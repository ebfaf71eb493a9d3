"""A narration's assembly (the `narrator.assemble` task's body): its parts joined into the files listeners get.

The worker that completes a narration's last segment dispatches it
(workers/narration/fanout.py). It joins the segments' parts, with the feed's
intro, outro and cover, tags the MP3, encodes the same audio into the other
formats its article asks for (Opus, AAC: workers/narration/formats.py), stores
them with its captions, marks and chapters, and makes it current. Idempotent: a finished narration is left as it is.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from service.articles import records
from service.audio.formats import extra_formats
from service.core import logs, metrics
from service.core.db import session_scope
from service.core.models import Feed, utcnow
from service.core.settings import Settings
from service.core.storage import Storage, storage_for
from service.core.voices import catalog_dirs, get_voice
from service.segments import plan as segments
from workers.narration.failures import TRANSIENT_ERRORS, fail_narration, failure_of
from workers.narration.formats import encode_formats, store_formats
from workers.narration.layout import join_blocks
from workers.narration.parts import cached_parts
from workers.narration.publish import store_narration, tags_of
from workers.narration.render import Mastering, render_mp3
from workers.narration.review import review_narration
from workers.narration.segment_store import load_block
from workers.webhooks import emit_narration_event

log = logging.getLogger(__name__)


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
        formats = extra_formats(article.formats or [])  # Opus, AAC: made from the same blocks after the MP3
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
                parts=cached_parts(settings, storage, [(s.key, str(s.audio_key)) for s in planned], mastering),
            )
            encoded = encode_formats(blocks, rendered, mastering, formats, Path(tmp))
            audio = store_narration(storage, rendered, store_formats(storage, encoded))
        with session_scope(settings.database_url) as session:
            finished = records.finish_narration(session, narration_id, audio)
            finished.segments_synthesized = len(planned) - cached
        metrics.ASSEMBLY_SECONDS.observe(time.perf_counter() - started)
        metrics.count_finished(voice_id, "done")
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        log.exception("narration %s could not be assembled", narration_id)
        fail_narration(settings, narration_id, *failure_of(exc, settings))
        return "failed"
    emit_narration_event(settings, narration_id)  # webhooks; never raises
    log.info("narration %s done: %s (%.1f s)", narration_id, audio.audio_key, rendered.duration_s)
    if asr_review:
        # After publishing: the review is advisory and never delays or fails the narration.
        review_narration(settings, narration_id, join_blocks(document, voice, blocks))
    return "done"


def _asset_file(storage: Storage, key: str | None, directory: Path) -> Path | None:
    """A feed's intro or outro as a file of ours in `directory` (the mixer reads files), named by its key."""
    if not key:
        return None
    path = directory / key
    if not path.exists():
        path.write_bytes(storage.get_bytes(key))
    return path
