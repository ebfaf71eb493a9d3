"""Retention: collect what no kept record references, in the records and in storage.

Kept: every article's current narration, its newest `retain_versions`
narrations, every narration still queued or running; the segments those
narrations' plans name (and the parts made from them); every feed's intro,
outro and cover; the sample of each voice version in the catalog. Everything
else goes: older narrations (their rows, plans and reviews), segments and
parts no kept narration names, samples of voices gone, and every stored file
no kept record names (deleted articles' files, replaced feed assets, the audio
of a segment synthesized again, files of work that died before its record).

A narration in progress is never harmed:

- Nothing younger than `grace_s` is collected: a worker stores a file before
  it commits the record naming it, and an old file is stored again (content
  addressing) when new work makes the same bytes, which makes it young again.
- A segment is deleted only by a statement that re-checks, under the write
  lock, that no plan names it; the planner reads the segments it reuses with
  a key-share lock (service/segments/plan.py), so on PostgreSQL a plan and a
  deletion of the same segment wait for each other, and the loser sees the
  winner's result (a deleted segment is planned anew and synthesized).
- Queued and running narrations and pending segments are never collected.

`collect` runs beside every worker every `gc_interval_s`
(workers/maintenance.py) and as `narrator gc [--dry-run]`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.core.models import Article, Feed, Narration, NarrationSegment, Segment, SegmentPart, VoiceSample, utcnow
from service.core.storage import ObjectNotFound, Storage

log = logging.getLogger(__name__)

FINISHED = ("done", "failed")
COLLECTABLE_SEGMENT = ("done", "failed", "cancelled")  # never `pending`: a task may be about to make it
# A new session that commits when its block ends: each deleting step is its own short transaction.
Scope = Callable[[], AbstractContextManager[Session]]
BATCH = 200  # rows per deleting statement (well under SQLite's limit on bound parameters)


@dataclass(frozen=True)
class Policy:
    """How much to keep: the newest `retain_versions` narrations per article, and nothing younger than `grace_s`."""

    retain_versions: int
    grace_s: float


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


@dataclass(frozen=True)
class Doomed:
    """The records a collection removes, by primary key."""

    narrations: frozenset[str] = frozenset()
    segments: frozenset[str] = frozenset()
    parts: frozenset[str] = frozenset()
    samples: frozenset[tuple[str, str]] = frozenset()


# --- what goes -------------------------------------------------------------------------------------


def doomed_narrations(session: Session, retain_versions: int, cutoff: datetime) -> set[str]:
    """Finished narrations beyond each article's newest `retain_versions`, never current, finished before cutoff."""
    current = set(
        session.scalars(select(Article.current_narration_id).where(Article.current_narration_id.is_not(None)))
    )
    rows = session.execute(
        select(Narration.id, Narration.article_id, Narration.status, Narration.finished_at).order_by(
            Narration.article_id, Narration.version.desc()
        )
    )
    doomed: set[str] = set()
    seen: Counter[str] = Counter()
    for narration_id, article_id, status, finished_at in rows:
        seen[article_id] += 1
        if seen[article_id] <= retain_versions or narration_id in current or status not in FINISHED:
            continue
        if finished_at is not None and finished_at < cutoff:
            doomed.add(narration_id)
    return doomed


def doomed_segments(session: Session, narrations: Iterable[str], cutoff: datetime) -> set[str]:
    """Segments no plan of a kept narration names, not pending, last made before cutoff."""
    gone = set(narrations)
    named = {
        key
        for narration_id, key in session.execute(select(NarrationSegment.narration_id, NarrationSegment.segment_key))
        if narration_id not in gone
    }
    rows = session.execute(
        select(Segment.key, Segment.status, Segment.finished_at, Segment.created_at).where(
            Segment.status.in_(COLLECTABLE_SEGMENT)
        )
    )
    return {key for key, _status, finished, created in rows if key not in named and (finished or created) < cutoff}


def doomed_samples(session: Session, catalog: set[tuple[str, str]], cutoff: datetime) -> set[tuple[str, str]]:
    """Samples of voice versions no longer in the catalog (a voice removed or its file changed)."""
    rows = session.execute(
        select(VoiceSample.voice_id, VoiceSample.fingerprint, VoiceSample.status, VoiceSample.requested_at)
    )
    return {
        (voice_id, fingerprint)
        for voice_id, fingerprint, status, requested in rows
        if (voice_id, fingerprint) not in catalog and status != "pending" and requested < cutoff
    }


def plan(session: Session, policy: Policy, catalog: set[tuple[str, str]], now: datetime | None = None) -> Doomed:
    """Which records a collection would remove now (read only)."""
    cutoff = (now or utcnow()) - timedelta(seconds=policy.grace_s)
    narrations = doomed_narrations(session, policy.retain_versions, cutoff)
    segments = doomed_segments(session, narrations, cutoff)
    parts = {
        key for key, segment in session.execute(select(SegmentPart.key, SegmentPart.segment_key)) if segment in segments
    }
    return Doomed(
        narrations=frozenset(narrations),
        segments=frozenset(segments),
        parts=frozenset(parts),
        samples=frozenset(doomed_samples(session, catalog, cutoff)),
    )


def referenced_files(session: Session, doomed: Doomed = Doomed()) -> set[str]:
    """Every storage key a record names, but for the records in `doomed`."""
    named: list[str | None] = []
    for narration_id, *files in session.execute(
        select(Narration.id, Narration.audio_key, Narration.captions_key, Narration.marks_key, Narration.chapters_key)
    ):
        if narration_id not in doomed.narrations:
            named.extend(files)
    for segment, audio in session.execute(select(Segment.key, Segment.audio_key)):
        if segment not in doomed.segments:
            named.append(audio)
    for part, frames in session.execute(select(SegmentPart.key, SegmentPart.audio_key)):
        if part not in doomed.parts:
            named.append(frames)
    for assets in session.execute(select(Feed.intro_key, Feed.outro_key, Feed.cover_key)):
        named.extend(assets)
    for voice_id, fingerprint, audio in session.execute(
        select(VoiceSample.voice_id, VoiceSample.fingerprint, VoiceSample.audio_key)
    ):
        if (voice_id, fingerprint) not in doomed.samples:
            named.append(audio)
    return {key for key in named if key}


# --- removing it -----------------------------------------------------------------------------------


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
    """Delete these segments and their parts if no plan names them (checked again here); (segments, parts)."""
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
            result = session.execute(
                delete(SegmentPart).where(SegmentPart.segment_key.in_(locked), SegmentPart.segment_key.not_in(named))
            )
            parts += int(result.rowcount or 0)  # type: ignore[attr-defined]
            result = session.execute(
                delete(Segment).where(
                    Segment.key.in_(locked),
                    Segment.key.not_in(named),
                    Segment.status.in_(COLLECTABLE_SEGMENT),
                    (Segment.finished_at.is_(None) & (Segment.created_at < cutoff)) | (Segment.finished_at < cutoff),
                )
            )
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


def collect(
    session_scope: Scope,
    storage: Storage,
    policy: Policy,
    catalog: set[tuple[str, str]],
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> Report:
    """Collect (dry: only count) what nothing kept references: records first, then the files they named.

    `session_scope` makes a session that commits when its block ends (each
    deleting step is its own short transaction). `catalog` is the (voice id,
    fingerprint) of every voice version in the catalog.
    """
    now = now or utcnow()
    cutoff = now - timedelta(seconds=policy.grace_s)
    report = Report(dry_run=dry_run)
    with session_scope() as session:
        doomed = plan(session, policy, catalog, now)
        if dry_run:
            referenced = referenced_files(session, doomed)
    if dry_run:
        report.records.update(
            narrations=len(doomed.narrations),
            segments=len(doomed.segments),
            segment_parts=len(doomed.parts),
            voice_samples=len(doomed.samples),
        )
    else:
        report.records["narrations"] = delete_narrations(session_scope, doomed.narrations, cutoff)
        report.records["segments"], report.records["segment_parts"] = delete_segments(
            session_scope, doomed.segments, cutoff
        )
        report.records["voice_samples"] = delete_samples(session_scope, doomed.samples)
        with session_scope() as session:  # what is named now, after the deletions and by any new work
            referenced = referenced_files(session)
    sweep_files(storage, referenced, cutoff, report)
    log.info(
        "garbage collection%s: %s; %d files, %d bytes (%d unreferenced files younger than %.0f s kept)",
        " (dry run)" if dry_run else "",
        ", ".join(f"{n} {table}" for table, n in sorted(report.records.items())) or "no records",
        report.file_count,
        report.freed_bytes,
        report.young,
        policy.grace_s,
    )
    return report


def describe(report: Report) -> Sequence[str]:
    """The report as lines for a person: records by table, then files and bytes by extension."""
    verb = "would delete" if report.dry_run else "deleted"
    lines = [f"{verb} {n} {table}" for table, n in sorted(report.records.items())]
    for ext in sorted(report.files):
        lines.append(f"{verb} {report.files[ext]} .{ext} files, {report.bytes[ext]} bytes")
    lines.append(f"{verb} {report.file_count} files in all, {report.freed_bytes} bytes")
    if report.young:
        lines.append(f"kept {report.young} unreferenced files younger than the grace period")
    return lines
