"""The transactional outbox: work is committed with its dispatch, and published when the broker answers.

`add` writes a `Dispatch` row in the caller's transaction (the same one that
stores the narration, so accepted work is never lost to a broker outage).
`publish_pending` sends pending rows through the queue and marks them sent; it
runs right after the commit in the API (best effort) and every few seconds
beside each worker (`workers/maintenance.py`). Publishing twice is harmless:
every task is idempotent. On PostgreSQL concurrent dispatchers skip each
other's rows (`FOR UPDATE SKIP LOCKED`); SQLite serializes writers anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.core import logs
from service.core.models import Dispatch, utcnow

log = logging.getLogger(__name__)

KEEP_SENT = timedelta(days=1)  # sent rows are kept this long, for inspection


class Publisher(Protocol):
    """What the dispatcher needs from the queue: send a task by name."""

    def send(self, task: str, args: list[Any], queue: str) -> None: ...


def add(session: Session, task: str, args: list[Any], queue: str, narration_id: str | None = None) -> Dispatch:
    """Record a task to publish, in the caller's transaction."""
    row = Dispatch(task=task, args=list(args), queue=queue, narration_id=narration_id, attempts=0)
    session.add(row)
    session.flush()
    return row


def pending_for(session: Session, narration_id: str) -> bool:
    """True when a dispatch for this narration waits to be published."""
    return (
        session.scalar(
            select(Dispatch.id).where(Dispatch.narration_id == narration_id, Dispatch.sent_at.is_(None)).limit(1)
        )
        is not None
    )


def publish_pending(
    session: Session,
    publisher: Publisher,
    *,
    narration_id: str | None = None,
    ids: Sequence[int] | None = None,
    limit: int = 500,
) -> tuple[int, int]:
    """Publish pending dispatches (oldest first; only one narration's, or only these ids, if given) and commit.

    Returns (sent, left). Stops at the first broker error: the rest stay pending
    for the next run.
    """
    query = select(Dispatch).where(Dispatch.sent_at.is_(None)).order_by(Dispatch.id).limit(limit)
    if narration_id is not None:
        query = query.where(Dispatch.narration_id == narration_id)
    if ids is not None:
        query = query.where(Dispatch.id.in_(ids))
    rows = list(session.scalars(query.with_for_update(skip_locked=True)))
    sent = 0
    for row in rows:
        row.attempts += 1
        try:
            with logs.bound(narration_id=row.narration_id):  # carried by the task (service/core/queue.py)
                publisher.send(row.task, list(row.args), row.queue)
        except Exception as exc:  # noqa: BLE001 - any broker error: try again on the next run
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            log.warning("dispatch %s (%s) not published yet: %s", row.id, row.task, row.last_error)
            break
        row.sent_at, row.last_error = utcnow(), None
        sent += 1
    if narration_id is None and ids is None:
        session.execute(delete(Dispatch).where(Dispatch.sent_at < utcnow() - KEEP_SENT))
    session.commit()
    return sent, len(rows) - sent


def publish_now(session: Session, publisher: Publisher, ids: Sequence[int]) -> bool:
    """Publish these committed dispatches at once if the broker answers; True if all went.

    Never raises: what the broker does not take stays pending, and the
    dispatcher beside the workers publishes it when the broker is back.
    """
    try:
        _sent, left = publish_pending(session, publisher, ids=ids)
    except Exception:  # best effort: the rows are committed
        session.rollback()
        log.warning("dispatches %s left in the outbox", list(ids), exc_info=True)
        return False
    return left == 0
