"""Retention: collect what no kept record references, in the records and in storage.

Kept: every article's current narration, its newest `retain_versions`
narrations, every narration still queued or running; the segments those
narrations' plans name (and the parts made from them); every feed's intro,
outro and cover; the sample of each voice version in the catalog. Everything
else goes: older narrations (their rows, plans, reviews and files in other formats), segments and
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
- Direct synthesis (a speech stream, no plan to name its segments) marks the
  cached segments it reuses (`used_at`, service/segments/plan.py); a segment
  used within `grace_s` is spared like one made within it, so a stream's
  segments outlive its time limit (`task_time_limit_s`, below the grace).

`collect` runs beside every worker every `gc_interval_s`
(workers/maintenance.py) and as `narrator gc [--dry-run]`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from service.articles.retention.doomed import Doomed, Policy, plan, referenced_files
from service.articles.retention.removal import (
    Report,
    Scope,
    delete_narrations,
    delete_samples,
    delete_segments,
    sweep_files,
)
from service.core.models import utcnow
from service.core.storage import Storage

__all__ = [
    "Doomed",
    "Policy",
    "Report",
    "Scope",
    "collect",
    "delete_narrations",
    "delete_samples",
    "delete_segments",
    "describe",
    "plan",
    "referenced_files",
    "sweep_files",
]

log = logging.getLogger(__name__)


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
