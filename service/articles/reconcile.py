"""The reconciler: nothing stays `queued` or `running` because a message was lost.

A task can vanish: a worker killed mid-job (its message comes back only after
the broker's visibility timeout), a broker restarted between a segment's
commit and the assembly's publication, a retry that could not be published.
`reconcile` finds narrations that made no progress for a while and puts back
what they miss, through the outbox (so it never needs the broker itself):

- `queued` with nothing pending in the outbox: its `narrate` task again;
- `running` with segments not done: those segments' tasks;
- `running` with every segment done: the assembly.

The window is `stall_after_s`, doubled at each reconciliation of the same
narration, plus half a second per segment while it waits for its assembly (a
long article takes longer to join). After `max_attempts` reconciliations a
running narration fails with `stalled` (and a failed segment fails it with
its code); its webhook event (`narration.failed`) is announced through the
outbox, committed with the failure. Every task is idempotent, so a false
alarm (a segment that was merely slow) costs one duplicate message.
Run every `reconcile_interval_s` beside each worker (workers/maintenance.py)
and by `narrator reconcile [--dry-run]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.articles import records
from service.core import metrics, outbox
from service.core.models import Narration, utcnow
from service.core.queue import (
    ANNOUNCE_TASK,
    ASSEMBLE_TASK,
    DEFAULT_QUEUE,
    NARRATE_TASK,
    PRIORITY_QUEUES,
    SEGMENT_TASK,
    URGENT_QUEUE,
)
from service.segments import plan as segments

STALLED = "stalled"
ASSEMBLY_S_PER_SEGMENT = 0.5
MAX_DOUBLINGS = 6


@dataclass(frozen=True)
class Action:
    """What the reconciler did (or would do) for one narration."""

    narration_id: str
    action: str  # narrate | segments | assemble | failed
    count: int = 1
    idle_s: float = 0.0


def window_s(narration: Narration, stall_after_s: float, *, assembling: bool) -> float:
    """How long `narration` may go without progress before it is reconciled."""
    window = stall_after_s * 2.0 ** min(narration.reconciles, MAX_DOUBLINGS)
    if assembling:
        window += ASSEMBLY_S_PER_SEGMENT * narration.segments_total
    return window


def reconcile(
    session: Session,
    *,
    stall_after_s: float,
    max_attempts: int,
    now: datetime | None = None,
    dry_run: bool = False,
) -> list[Action]:
    """Re-dispatch what stalled narrations miss (into the outbox); the caller commits."""
    now = now or utcnow()
    actions: list[Action] = []
    rows = session.scalars(
        select(Narration)
        .where(Narration.status.in_(("queued", "running")))
        .order_by(Narration.created_at)
        .with_for_update(skip_locked=True)
    )
    for narration in rows:
        action = _reconcile_one(session, narration, stall_after_s, max_attempts, now, dry_run)
        if action is not None:
            actions.append(action)
    return actions


def _reconcile_one(
    session: Session, narration: Narration, stall_after_s: float, max_attempts: int, now: datetime, dry_run: bool
) -> Action | None:
    last = narration.progressed_at or narration.started_at or narration.created_at
    idle = (now - last).total_seconds()
    planned = segments.planned_segments(session, narration.id) if narration.status == "running" else []
    missing = list(dict.fromkeys(s.key for s in planned if s.status != "done"))
    assembling = narration.status == "running" and bool(planned) and not missing
    if idle < window_s(narration, stall_after_s, assembling=assembling):
        return None
    if outbox.pending_for(session, narration.id):
        return None  # its dispatch waits for the broker: the dispatcher's job, not a stall
    failed = next((s for s in planned if s.status == "failed"), None)
    if narration.status == "running" and (failed is not None or narration.reconciles >= max_attempts):
        code = (failed.error_code or "synthesis_failed") if failed is not None else STALLED
        message = (
            (failed.error_message or "a segment failed")
            if failed is not None
            else f"no progress after {narration.reconciles} re-dispatches (last {idle:.0f} s)"
        )
        if not dry_run:
            records.fail_narration(session, narration.id, code, message)
            metrics.count_finished(narration.voice, "failed", code)  # counted where narrations fail, as in workers
            # Subscribers hear of it as of any failure: a worker announces it once the broker takes it.
            outbox.add(session, ANNOUNCE_TASK, [narration.id], DEFAULT_QUEUE, narration_id=narration.id)
        return Action(narration.id, "failed", 1, idle)
    queue = PRIORITY_QUEUES.get(narration.priority, PRIORITY_QUEUES["now"])
    if narration.status == "queued" or not planned:
        action = Action(narration.id, "narrate", 1, idle)
        tasks = [(NARRATE_TASK, narration.id, queue)]
    elif missing:
        action = Action(narration.id, "segments", len(missing), idle)
        tasks = [(SEGMENT_TASK, key, queue) for key in missing]
    else:
        action = Action(narration.id, "assemble", 1, idle)
        tasks = [(ASSEMBLE_TASK, narration.id, URGENT_QUEUE)]
    if dry_run:
        return action
    for segment in planned:
        if segment.status == "cancelled":  # cancelled by a deletion, needed here after all
            segment.status = "pending"
    for task, arg, task_queue in tasks:
        outbox.add(session, task, [arg], task_queue, narration_id=narration.id)
    narration.reconciles += 1
    narration.progressed_at = now
    return action
