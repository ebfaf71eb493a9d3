"""When sources are polled: backoff with jitter, Retry-After, max-age, and the dispatcher's per-host limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core.models import Dispatch, Source, utcnow
from service.core.queue import POLL_SOURCE_TASK
from service.core.settings import Settings
from service.sources import schedule
from tests.sources.conftest import Site, Sources
from workers.maintenance import schedule_polls_once

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)


def test_backoff_doubles_per_failure_with_jitter_and_a_ceiling() -> None:
    source = Source(interval_s=60, failures=3)
    delays = {(schedule.after_failure(source, NOW, None, 3600) - NOW).total_seconds() for _ in range(50)}
    assert all(240 <= d <= 480 for d in delays)  # 60 * 2**3 = 480, equal jitter: between half and all of it
    assert len(delays) > 1  # jittered
    source.failures = 20
    assert (schedule.after_failure(source, NOW, None, 3600) - NOW).total_seconds() <= 3600


def test_retry_after_as_an_http_date() -> None:
    assert schedule.retry_after_s("Sun, 29 Nov 2026 07:00:00 GMT", NOW) == 3600
    assert schedule.retry_after_s("soon", NOW) is None


def test_the_dispatcher_polls_due_sources_at_most_two_per_host_at_once(
    site: Site, sources: Sources, session: Session, source_settings: Settings
) -> None:
    for n in range(3):
        sources.add(f"{site.url}/feed-{n}.xml")
    sources.add("https://news.example/feed.xml")
    paused = sources.add("https://paused.example/feed.xml")
    paused.paused = True
    later = sources.add("https://later.example/feed.xml")
    later.next_poll_at = utcnow() + timedelta(hours=1)
    session.commit()
    assert schedule_polls_once(source_settings) == 3  # two of the three on 127.0.0.1, and news.example
    assert schedule_polls_once(source_settings) == 0  # leased: not dispatched twice
    polls = session.scalars(select(Dispatch).where(Dispatch.task == POLL_SOURCE_TASK)).all()
    hosts = sorted(session.get(Source, d.args[0]).host for d in polls)  # type: ignore[union-attr]
    assert hosts == ["127.0.0.1", "127.0.0.1", "news.example"]
