"""Beside every worker: publish the outbox, reconcile stalled narrations, start due source polls, collect garbage.

`narrator worker` starts this loop as a child process (it dies with the
worker). It needs no broker to run: the dispatcher publishes pending rows when
the broker answers, and the reconciler writes what it re-dispatches into the
outbox. Several workers run several loops; PostgreSQL's SKIP LOCKED keeps them
off each other's rows, and every task is idempotent anyway.

Garbage collection (service/articles/retention/) runs here too, in a thread of
its own (a long listing never holds up the outbox), every `gc_interval_s`,
first at a random point of the first interval so that the
loops of workers started together do not collect at the same moment. Two
collections at once are harmless: every deletion re-checks its condition.

Source polls (service/sources) start here rather than from Celery beat: a
due source is leased and its poll put in the outbox in one transaction, so
polls need no extra scheduler process, survive a broker outage like any
dispatch, and any number of workers can run this loop without polling a
source twice (beat must run exactly once, and would publish straight to a
broker that may be down).
"""

from __future__ import annotations

import contextlib
import logging
import random
import sys
import threading
import time
from functools import partial

from service.articles import retention
from service.articles.reconcile import Action, reconcile
from service.core import metrics, outbox
from service.core.db import session_scope
from service.core.models import utcnow
from service.core.queue import CeleryQueue, NarrationQueue
from service.core.settings import Settings, get_settings
from service.core.storage import storage_for
from service.core.voices import catalog_dirs, load_catalog
from service.sources.poll import PollResult, poll_source
from service.sources.records import poll_lease_s, request_poll
from service.sources.schedule import claim_due
from workers.lifetime import die_with_parent

log = logging.getLogger("narrator.maintenance")


def dispatch_once(settings: Settings, queue: CeleryQueue) -> tuple[int, int]:
    """Publish every pending dispatch the broker takes now: (sent, left)."""
    with session_scope(settings.database_url) as session:
        return outbox.publish_pending(session, queue)


def reconcile_once(settings: Settings, *, dry_run: bool = False) -> list[Action]:
    """One reconciler pass; its re-dispatches are committed to the outbox (not with dry_run)."""
    with session_scope(settings.database_url) as session:
        actions = reconcile(
            session,
            stall_after_s=settings.stall_after_s,
            max_attempts=settings.reconcile_max_attempts,
            dry_run=dry_run,
        )
        if dry_run:
            session.rollback()
    for action in actions:
        log.warning("reconciled narration %s: %s (%d), idle %.0f s", *vars(action).values())
    return actions


def collect_once(settings: Settings, *, dry_run: bool = False) -> retention.Report:
    """One garbage collection with the configured policy (counted in the gc metrics unless dry)."""
    started = time.perf_counter()
    catalog = {(v.id, v.fingerprint) for v in load_catalog(catalog_dirs(settings)).values()}
    report = retention.collect(
        partial(session_scope, settings.database_url),
        storage_for(settings),
        retention.Policy(retain_versions=settings.retain_versions, grace_s=settings.gc_grace_s),
        catalog,
        dry_run=dry_run,
    )
    if not dry_run:
        for table, count in report.records.items():
            metrics.GC_RECORDS.labels(table).inc(count)
        for ext, count in report.files.items():
            metrics.GC_FILES.labels(ext).inc(count)
            metrics.GC_BYTES.labels(ext).inc(report.bytes[ext])
        metrics.GC_SECONDS.observe(time.perf_counter() - started)
    return report


def _collect_logged(settings: Settings) -> None:
    try:
        collect_once(settings)
    except Exception:
        log.exception("garbage collection failed; next at the next interval")


def schedule_polls_once(settings: Settings) -> int:
    """Lease every due source its host's limit allows and put its poll in the outbox: how many."""
    with session_scope(settings.database_url) as session:
        now = utcnow()
        lease_s = poll_lease_s(settings)
        claimed = claim_due(session, now, host_limit=settings.source_host_concurrency, lease_s=lease_s)
        for source in claimed:
            request_poll(session, source, lease_s, now)
        return len(claimed)


def poll_once(settings: Settings, source_id: str, queue: NarrationQueue) -> PollResult:
    """Poll one source now (the `narrator.poll_source` task and `narrator sources poll`)."""
    with session_scope(settings.database_url) as session:
        return poll_source(session, queue, settings, source_id)


def run(settings: Settings) -> None:
    """Forever: start due polls and publish the outbox every dispatch_interval_s, reconcile every
    reconcile_interval_s, collect garbage every gc_interval_s (0: never)."""
    queue = CeleryQueue(settings)
    next_reconcile = time.monotonic() + settings.reconcile_interval_s
    gc_every = settings.gc_interval_s or None
    next_gc = time.monotonic() + random.uniform(0, gc_every) if gc_every else None
    collector: threading.Thread | None = None
    while True:
        try:
            if time.monotonic() >= next_reconcile:
                next_reconcile = time.monotonic() + settings.reconcile_interval_s
                reconcile_once(settings)
            if gc_every and next_gc is not None and time.monotonic() >= next_gc:
                next_gc = time.monotonic() + gc_every
                if collector is None or not collector.is_alive():
                    # Its own thread: listing a large bucket must not hold up the outbox and the reconciler.
                    collector = threading.Thread(target=_collect_logged, args=(settings,), daemon=True)
                    collector.start()
            schedule_polls_once(settings)
            dispatch_once(settings, queue)
        except Exception:
            log.exception("maintenance pass failed; retrying")
        time.sleep(settings.dispatch_interval_s)


def main() -> int:
    """`python -m workers.maintenance [PARENT_PID]`: run until stopped (or until the parent worker dies)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if len(sys.argv) > 1 and not die_with_parent(int(sys.argv[1])):
        return 0
    with contextlib.suppress(KeyboardInterrupt):
        run(get_settings())
    return 0


if __name__ == "__main__":
    sys.exit(main())
