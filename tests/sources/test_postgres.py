"""The same records on PostgreSQL: the dispatcher's claim (FOR UPDATE SKIP LOCKED) and a poll with an edit."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select

from service.core.db import session_factory
from service.core.models import Article, Dispatch, Narration
from service.core.queue import POLL_SOURCE_TASK, CeleryQueue
from service.core.settings import Settings
from tests.sources.conftest import Site, Sources, article_page, rss, story
from tests.unit.test_migrations import new_postgres  # noqa: F401 - fixture
from workers.maintenance import schedule_polls_once


@pytest.fixture
def pg_settings(source_settings: Settings, new_postgres: Callable[..., str]) -> Settings:  # noqa: F811
    """The sources' settings on a throwaway, migrated PostgreSQL database."""
    return source_settings.model_copy(update={"database_url": new_postgres(migrated=True)})


@pytest.fixture
def pg_sources(pg_settings: Settings, queue: CeleryQueue) -> Iterator[Sources]:
    session = session_factory(pg_settings.database_url)()
    try:
        yield Sources(session, queue, pg_settings)
    finally:
        session.close()


def test_the_dispatcher_claims_due_sources_per_host_on_postgresql(site: Site, pg_sources: Sources) -> None:
    for n in range(3):
        pg_sources.add(f"{site.url}/feed-{n}.xml")
    assert schedule_polls_once(pg_sources.settings) == 2
    assert schedule_polls_once(pg_sources.settings) == 0
    polls = pg_sources.session.scalars(select(Dispatch).where(Dispatch.task == POLL_SOURCE_TASK)).all()
    assert len(polls) == 2


def test_a_poll_and_an_edit_on_postgresql(site: Site, pg_sources: Sources) -> None:
    def publish(date: str, edited: int | None = None) -> None:
        site.put("/feed.xml", rss(site, [("1", "/news/1", date)]), content_type="application/rss+xml")
        site.put("/news/1", article_page("Town 1 library", story(1, edited=edited)))

    publish("Mon, 23 Nov 2026 08:00:00 GMT")
    source = pg_sources.add(f"{site.url}/feed.xml")
    assert pg_sources.poll(source).outcome == "changed"
    publish("Wed, 25 Nov 2026 08:00:00 GMT", edited=2)
    assert pg_sources.poll(source).outcome == "changed"
    session = pg_sources.session
    assert session.query(Article).count() == 1
    assert sorted(n.reason for n in session.scalars(select(Narration))) == ["created", "edited"]
