"""Sources as records: register, list with their counts, pause, resume, delete, and ask for a poll."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.core import outbox
from service.core.errors import DuplicateSource, InvalidSource, NotFound, UrlForbidden
from service.core.models import DEFAULT_PROJECT, Source, SourceItem, utcnow
from service.core.netpolicy import idna
from service.core.queue import POLL_SOURCE_TASK, PRIORITY_QUEUES
from service.core.settings import Settings
from service.document import errors as document_errors
from service.document.resolve import parse_url
from service.sources.rules import check_rule

PRIORITIES = ("now", "backfill")


@dataclass(frozen=True)
class SourceSpec:
    """What a publisher registers: the URL and how its items are narrated."""

    url: str
    interval_s: int
    feed: str | None = None
    voice: str | None = None
    section_voices: dict[str, str] = field(default_factory=dict)
    priority: str = "now"
    include: dict[str, Any] | None = None
    exclude: dict[str, Any] | None = None
    first_poll_newest: int | None = None  # None: NARRATOR_SOURCE_FIRST_POLL_NEWEST
    backfill: bool = True
    formats: list[str] | None = None  # its articles' formats (service/audio/formats.py); None: the setting


@dataclass(frozen=True)
class ItemCounts:
    """What became of a source's items: seen in all, narrated, waiting for a backfill, skipped and failed by why."""

    seen: int = 0
    narrated: int = 0
    unchanged: int = 0
    backlog: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)


def create_source(session: Session, spec: SourceSpec, settings: Settings, project: str = DEFAULT_PROJECT) -> Source:
    """Register a source (polled at once by the next dispatcher pass).

    `UrlForbidden` for a URL that is not http(s), `InvalidSource` for a bad rule, `DuplicateSource` when the
    project already follows the URL.
    """
    try:
        url = parse_url(spec.url)
    except document_errors.UrlForbidden as exc:
        raise UrlForbidden(str(exc)) from exc
    known = session.scalar(select(Source.id).where(Source.project_id == project, Source.url == str(url)))
    if known is not None:
        raise DuplicateSource(f"source {known} already polls {url}")
    if spec.priority not in PRIORITIES:
        raise InvalidSource(f"priority is one of {', '.join(PRIORITIES)}")
    source = Source(
        project_id=project,
        url=str(url),
        host=idna(url.host),
        feed=spec.feed,
        voice=spec.voice,
        section_voices=dict(spec.section_voices),
        priority=spec.priority,
        include=check_rule(spec.include),
        exclude=check_rule(spec.exclude),
        interval_s=spec.interval_s,
        first_poll_newest=settings.source_first_poll_newest
        if spec.first_poll_newest is None
        else spec.first_poll_newest,
        backfill=spec.backfill,
        formats=list(spec.formats) if spec.formats is not None else None,
        paused=False,
        failures=0,
        next_poll_at=utcnow(),
    )
    session.add(source)
    session.flush()
    return source


def get_source(session: Session, source_id: str, project: str | None = None) -> Source:
    """The source (of `project`, when given); `NotFound` otherwise."""
    source = session.get(Source, source_id)
    if source is None or (project is not None and source.project_id != project):
        raise NotFound(f"Source {source_id!r} not found")
    return source


def list_sources(session: Session, project: str | None = None) -> list[Source]:
    """Every source (of `project`), oldest first."""
    query = select(Source).order_by(Source.created_at, Source.id)
    if project is not None:
        query = query.where(Source.project_id == project)
    return list(session.scalars(query))


def item_counts(session: Session, source_ids: list[str]) -> dict[str, ItemCounts]:
    """Each source's item counts, read in one query."""
    rows = session.execute(
        select(SourceItem.source_id, SourceItem.status, SourceItem.reason, func.count())
        .where(SourceItem.source_id.in_(source_ids))
        .group_by(SourceItem.source_id, SourceItem.status, SourceItem.reason)
    ).all()
    tallies: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"seen": 0, "narrated": 0, "unchanged": 0, "backlog": 0, "skipped": {}, "failed": {}}
    )
    for source_id, status, reason, count in rows:
        tally = tallies[source_id]
        tally["seen"] += count
        if status in ("skipped", "failed"):
            tally[status][reason or "unknown"] = tally[status].get(reason or "unknown", 0) + count
        else:
            tally[status] += count
    return {source_id: ItemCounts(**tallies[source_id]) for source_id in source_ids}


def list_items(session: Session, source: Source, limit: int = 500) -> list[SourceItem]:
    """The source's items, most recently changed first."""
    return list(
        session.scalars(
            select(SourceItem)
            .where(SourceItem.source_id == source.id)
            .order_by(SourceItem.updated_at.desc(), SourceItem.id.desc())
            .limit(limit)
        )
    )


def set_paused(session: Session, source: Source, paused: bool) -> Source:
    """Pause (no polls) or resume (polled at once) a source."""
    source.paused = paused
    if not paused:
        source.next_poll_at = utcnow()
    return source


def delete_source(session: Session, source: Source) -> None:
    """Forget the source and its items; the articles it made stay."""
    session.delete(source)


def request_poll(session: Session, source: Source, lease_s: float, now: datetime | None = None) -> None:
    """Lease the source and put its poll in the outbox (the caller commits; the dispatcher publishes)."""
    now = now or utcnow()
    source.lease_until = now + timedelta(seconds=lease_s)
    outbox.add(session, POLL_SOURCE_TASK, [source.id], PRIORITY_QUEUES["now"])


def poll_now(session: Session, source: Source, settings: Settings) -> None:
    """Poll now, for the API and the console: a poll queued for a worker; the caller commits.

    A paused source is not polled, even on request: the worker's poll skips it.
    """
    request_poll(session, source, poll_lease_s(settings))


def poll_lease_s(settings: Settings) -> float:
    """How long a dispatched poll holds its source: past this, another dispatcher may poll it again."""
    return float(settings.task_time_limit_s)
