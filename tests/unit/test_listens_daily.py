"""Listening stats per UTC day on SQLite and on PostgreSQL, whatever time zone the database session is in."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from service.access.keys import ensure_project
from service.core.models import Article, ListenEvent
from service.listeners.feeds.listens import daily_stats, most_played
from tests.unit.test_records import postgres_url, session  # noqa: F401 - the fixtures: both databases

DAY = date(2025, 3, 9)


def add_article(db: Session, title: str, feed: str | None = None, project: str = "default") -> Article:
    ensure_project(db, project)
    article = Article(
        title=title, feed=feed, source_kind="text", source=title, blocks=[], voice="v", project_id=project
    )
    db.add(article)
    db.flush()
    return article


def listen(db: Session, article: Article, at: datetime, *kinds: str) -> None:
    db.add_all(ListenEvent(article_id=article.id, kind=kind, created_at=at) for kind in kinds)
    db.flush()


def test_events_fall_on_their_utc_day(session: Session) -> None:  # noqa: F811
    story = add_article(session, "Story")
    listen(session, story, datetime(2025, 3, 8, 23, 30, tzinfo=UTC), "play")
    listen(session, story, datetime(2025, 3, 9, 0, 30, tzinfo=UTC), "play", "p25")
    listen(session, story, datetime(2025, 3, 9, 23, 59, tzinfo=UTC), "play", "p25", "p50", "p75", "p100")
    session.commit()
    if session.get_bind().dialect.name == "postgresql":  # a zone where 23:30 UTC is still the same day
        session.execute(text("SET TIME ZONE 'America/New_York'"))
    stats = daily_stats(session, date(2025, 3, 8), date(2025, 3, 10), article_id=story.id)
    assert [(d.day, d.plays) for d in stats.days] == [(date(2025, 3, 8), 1), (DAY, 2), (date(2025, 3, 10), 0)]
    assert stats.days[1].reached == {25: 2, 50: 1, 75: 1, 100: 1}


def test_a_feed_and_a_project_count_only_their_own(session: Session) -> None:  # noqa: F811
    noon = datetime(2025, 3, 9, 12, tzinfo=UTC)
    in_feed, other_feed = add_article(session, "In", "daily"), add_article(session, "Other", "weekly")
    elsewhere = add_article(session, "Elsewhere", "daily", project="other")
    for article, plays in ((in_feed, 2), (other_feed, 1), (elsewhere, 5)):
        listen(session, article, noon, *["play"] * plays)
    assert daily_stats(session, DAY, DAY, feed="daily", project="default").totals.plays == 2
    assert daily_stats(session, DAY, DAY, project="default").totals.plays == 3
    played = most_played(session, DAY, DAY, project="default")
    assert [(a.title, n) for a, n in played] == [("In", 2), ("Other", 1)]
