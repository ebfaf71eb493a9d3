"""Prometheus metrics: what the workers count, what the API counts, and the state read at scrape time.

- Worker metrics (module level, in the process's default registry): segment
  synthesis time and real-time factor by voice, the segment cache, assembly
  time, finished narrations by voice and status, webhook attempts, tasks. A
  `narrator worker` serves them on `NARRATOR_WORKER_METRICS_PORT`, summed over
  its pool processes (prometheus-client's multiprocess mode in a directory of
  its own, `workers/exporter.py`); it must set that up before this module is
  imported, because each metric picks its storage when it is created.
- HTTP metrics (`HttpMetrics`): one registry per API app, served on `/metrics`.
- State (`state_families`): narrations by status and stored bytes from the
  records, queue depth from the broker, read when Prometheus scrapes the API.

docs/architecture.md ("Observability") says why, and lists every name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.core.models import Narration

log = logging.getLogger(__name__)

NARRATION_STATUSES = ("queued", "running", "done", "failed")

# No `*_created` series beside every counter and histogram: nothing here reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

# --- worker metrics ------------------------------------------------------------------------------

SYNTHESIS_SECONDS = Histogram(
    "narrator_segment_synthesis_seconds",
    "Wall time to synthesize one segment (a spoken block) and store its audio, by voice "
    "(loading the voice first if this worker process has not loaded it).",
    ["voice"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120),
)
SYNTHESIZED_AUDIO_SECONDS = Counter(
    "narrator_segment_audio_seconds",
    "Seconds of audio synthesized, by voice (RTF = rate of synthesis seconds / rate of this).",
    ["voice"],
)
REAL_TIME_FACTOR = Histogram(
    "narrator_segment_real_time_factor",
    "Synthesis seconds per second of audio of one segment, by voice (below 1: faster than real time).",
    ["voice"],
    buckets=(0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 4),
)
CACHE_HITS = Counter(
    "narrator_segment_cache_hits",
    "Segments of planned narrations that were already in the segment cache.",
)
CACHE_MISSES = Counter(
    "narrator_segment_cache_misses",
    "Segments of planned narrations that had to be synthesized.",
)
ASSEMBLY_SECONDS = Histogram(
    "narrator_assembly_seconds",
    "Wall time to assemble a narration: join its parts, tag, render captions and marks, store.",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160),
)
NARRATIONS_FINISHED = Counter(
    "narrator_narrations_finished",
    "Narrations that finished, by voice and status (done | failed).",
    ["voice", "status"],
)
NARRATION_FAILURES = Counter(
    "narrator_narration_failures",
    "Failed narrations by error code.",
    ["code"],
)
WEBHOOK_ATTEMPTS = Counter(
    "narrator_webhook_attempts",
    "Webhook delivery attempts by outcome (succeeded | retryable | final).",
    ["outcome"],
)
WEBHOOK_DELIVERIES = Counter(
    "narrator_webhook_deliveries",
    "Webhook deliveries that ended, by status (succeeded | failed).",
    ["status"],
)
TASKS = Counter(
    "narrator_tasks",
    "Celery tasks run by the worker, by task name and state (succeeded | failed | retried).",
    ["task", "state"],
)
SOURCE_POLLS = Counter(
    "narrator_source_polls",
    "Polls of a source (feed or sitemap), by source id and outcome (changed | not_modified | failed).",
    ["source", "outcome"],
)
SOURCE_POLL_ERRORS = Counter(
    "narrator_source_poll_errors",
    "Failed polls of a source, by source id and error code (fetch_failed, source_malformed, ...).",
    ["source", "code"],
)
SOURCE_ITEMS = Counter(
    "narrator_source_items",
    "Items of a source handled by a poll, by source id and outcome (narrated | unchanged | backlog | "
    "a skip reason | an error code).",
    ["source", "outcome"],
)

GC_RECORDS = Counter(
    "narrator_gc_deleted_records",
    "Records the garbage collector deleted, by table (narrations | segments | segment_parts | voice_samples).",
    ["table"],
)
GC_FILES = Counter(
    "narrator_gc_deleted_files",
    "Stored files the garbage collector deleted, by extension (mp3, vtt, json, flac, mpa, ...).",
    ["ext"],
)
GC_BYTES = Counter(
    "narrator_gc_freed_bytes",
    "Bytes of stored files the garbage collector deleted, by extension.",
    ["ext"],
)
GC_SECONDS = Histogram(
    "narrator_gc_seconds",
    "Wall time of one garbage collection (records and storage).",
    buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900),
)


def observe_synthesis(voice: str, seconds: float, audio_seconds: float) -> None:
    """One segment synthesized: its wall time, audio length and real-time factor."""
    SYNTHESIS_SECONDS.labels(voice).observe(seconds)
    SYNTHESIZED_AUDIO_SECONDS.labels(voice).inc(audio_seconds)
    if audio_seconds > 0:
        REAL_TIME_FACTOR.labels(voice).observe(seconds / audio_seconds)


def count_cache(hits: int, misses: int) -> None:
    """A narration was planned: how many of its segments the cache had."""
    CACHE_HITS.inc(hits)
    CACHE_MISSES.inc(misses)


def count_finished(voice: str, status: str, code: str | None = None) -> None:
    """A narration reached a final status (done, or failed with `code`)."""
    NARRATIONS_FINISHED.labels(voice, status).inc()
    if status == "failed":
        NARRATION_FAILURES.labels(code or "unknown").inc()


# --- HTTP metrics --------------------------------------------------------------------------------

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class HttpMetrics:
    """Requests by method, route template and status, and their latency, in a registry of one app."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.requests = Counter(
            "narrator_http_requests",
            "HTTP requests by method, route template (unmatched: no route) and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "narrator_http_request_duration_seconds",
            "Seconds from the request until its response starts (headers sent; a streamed body is not counted), "
            "by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in HTTP_METHODS else "other"
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)


# --- state at scrape time ------------------------------------------------------------------------


def narrations_by_status(session: Session) -> dict[str, int]:
    """How many narrations are in each status (every status present, 0 if none)."""
    counts = dict.fromkeys(NARRATION_STATUSES, 0)
    for status, count in session.execute(select(Narration.status, func.count()).group_by(Narration.status)):
        counts[status] = int(count)
    return counts


def stored_narration_bytes(session: Session) -> int:
    """Bytes of the narrations' MP3 files on record, each file once (content-addressed: versions may share one)."""
    files = select(Narration.audio_key, Narration.bytes).where(Narration.bytes.is_not(None)).distinct().subquery()
    total = session.scalar(select(func.coalesce(func.sum(files.c.bytes), 0)))
    return int(total or 0)


def state_families(session: Session, queue_depths: Callable[[], Mapping[str, int]]) -> list[Metric]:
    """The state gauges; a source that does not answer is reported down instead of failing the scrape."""
    up = GaugeMetricFamily(
        "narrator_scrape_source_up", "Whether a source of state answered this scrape (1) or not (0).", labels=["source"]
    )
    families: list[Metric] = [up]
    try:
        statuses = narrations_by_status(session)
        stored = stored_narration_bytes(session)
    except Exception as exc:  # noqa: BLE001 - a scrape reports a broken database, it does not fail
        session.rollback()
        log.warning("metrics: the database did not answer: %s: %s", type(exc).__name__, exc)
        up.add_metric(["database"], 0)
    else:
        up.add_metric(["database"], 1)
        narrations = GaugeMetricFamily("narrator_narrations", "Narrations on record by status.", labels=["status"])
        for status, count in statuses.items():
            narrations.add_metric([status], count)
        storage = GaugeMetricFamily(
            "narrator_storage_bytes",
            "Bytes in storage by kind, from the records (narrations: the MP3 files; other files carry no size).",
            labels=["kind"],
        )
        storage.add_metric(["narrations"], stored)
        families += [narrations, storage]
    try:
        depths = queue_depths()
    except Exception as exc:  # noqa: BLE001 - likewise for the broker
        log.warning("metrics: the broker did not answer: %s: %s", type(exc).__name__, exc)
        up.add_metric(["broker"], 0)
    else:
        up.add_metric(["broker"], 1)
        depth = GaugeMetricFamily(
            "narrator_queue_depth", "Messages waiting in each queue of the broker (not yet taken).", labels=["queue"]
        )
        for name, count in depths.items():
            depth.add_metric([name], count)
        families.append(depth)
    return families


class Families:
    """A registry's metrics and ready families, exposed together (one scrape)."""

    def __init__(self, registry: CollectorRegistry, families: Iterable[Metric]) -> None:
        self.registry, self.families = registry, families

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()
        yield from self.families
