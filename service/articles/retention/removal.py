"""Removing what a collection planned: each deletion re-checks its condition in its own short transaction,
then the files no remaining record names go from storage."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.articles.retention.doomed import COLLECTABLE_SEGMENT, FINISHED
from service.core.models import Article, Narration, NarrationSegment, Segment, SegmentPart, VoiceSample
from service.core.storage import ObjectNotFound, Storage

# A new session that commits when its block ends: each deleting step is its own short transaction.
Scope = Callable[[], AbstractContextManager[Session]]
BATCH = 200  # rows per deleting statement (well under SQLite's limit on bound parameters)


@dataclass
class Report:
    """What a collection deleted (or, dry, would delete): records by table, files and bytes by extension."""

    dry_run: bool
    records: Counter[str] = field(default_factory=Counter)
    files: Counter[str] = field(default_factory=Counter)
    bytes: Counter[str] = field(default_factory=Counter)
    young: int = 0  # unreferenced files left alone for being younger than the grace period

    @property
    def file_count(self) -> int:
        return sum(self.files.values())

    @property
    def freed_bytes(self) -> int:
        return sum(self.bytes.values())


def _batches(items: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(items)
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def delete_narrations(session_scope: Scope, ids: Iterable[str], cutoff: datetime) -> int:
    """Delete these narrations (plans and reviews go with them) if still finished, old and not current."""
    deleted = 0
    for batch in _batches(ids):
        with session_scope() as session:
            current = select(Article.current_narration_id).where(Article.current_narration_id.is_not(None))
            result = session.execute(
                delete(Narration).where(
                    Narration.id.in_(batch),
                    Narration.status.in_(FINISHED),
                    Narration.finished_at < cutoff,
                    Narration.id.not_in(current),
                )
            )
            deleted += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return deleted


def delete_segments(session_scope: Scope, keys: Iterable[str], cutoff: datetime) -> tuple[int, int]:
    """Delete these segments and their parts if no plan names them and they were neither made nor used since
    cutoff (checked again here); (segments, parts)."""
    segments = parts = 0
    for batch in _batches(keys):
        with session_scope() as session:
            unnamed = Segment.key.not_in(
                select(NarrationSegment.segment_key).where(NarrationSegment.segment_key.in_(batch))
            )
            # Locks them (PostgreSQL): a planner reading one waits for this transaction, then finds it gone.
            locked = list(
                session.scalars(
                    select(Segment.key)
                    .where(Segment.key.in_(batch), Segment.status.in_(COLLECTABLE_SEGMENT), unnamed)
                    .with_for_update(skip_locked=True)
                )
            )
            if not locked:
                continue
            named = select(NarrationSegment.segment_key).where(NarrationSegment.segment_key.in_(locked))
            still_collectable = (
                Segment.key.in_(locked),
                Segment.key.not_in(named),
                Segment.status.in_(COLLECTABLE_SEGMENT),
                (Segment.finished_at.is_(None) & (Segment.created_at < cutoff)) | (Segment.finished_at < cutoff),
                # Direct synthesis marks a segment it reuses (no plan names it): spared like a new one.
                Segment.used_at.is_(None) | (Segment.used_at < cutoff),
            )
            # The parts first (they point at their segment), of exactly the segments deleted next.
            result = session.execute(
                delete(SegmentPart).where(SegmentPart.segment_key.in_(select(Segment.key).where(*still_collectable)))
            )
            parts += int(result.rowcount or 0)  # type: ignore[attr-defined]
            result = session.execute(delete(Segment).where(*still_collectable))
            segments += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return segments, parts


def delete_samples(session_scope: Scope, ids: Iterable[tuple[str, str]]) -> int:
    """Delete these voice samples' rows (their files go with the storage sweep)."""
    deleted = 0
    with session_scope() as session:
        for voice_id, fingerprint in ids:
            result = session.execute(
                delete(VoiceSample).where(
                    VoiceSample.voice_id == voice_id,
                    VoiceSample.fingerprint == fingerprint,
                    VoiceSample.status != "pending",
                )
            )
            deleted += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return deleted


def sweep_files(storage: Storage, referenced: set[str], cutoff: datetime, report: Report) -> None:
    """Delete (dry: count) each stored file no record names, unless it is younger than cutoff."""
    oldest = cutoff.timestamp()
    for key in list(storage.keys()):
        if key in referenced:
            continue
        try:
            stat = storage.stat(key)
        except ObjectNotFound:  # deleted meanwhile (another collector)
            continue
        if stat.modified >= oldest:
            report.young += 1
            continue
        if not report.dry_run:
            storage.delete(key)
        ext = key.rsplit(".", 1)[-1]
        report.files[ext] += 1
        report.bytes[ext] += stat.size
