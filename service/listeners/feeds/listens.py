"""Anonymous listening stats: the player reports plays and quartiles reached; nothing about the listener.

An event is (article, the narration current at the time, kind, when). There is
no IP address, user agent, cookie or listener id, so the counts are events,
not people: a listener who plays twice counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from service.core.models import Article, ListenEvent

QUARTILES = (25, 50, 75, 100)
KINDS = ("play", *(f"p{q}" for q in QUARTILES))


@dataclass(frozen=True)
class ListeningStats:
    """Counts for one article: plays, and how many listens reached each quartile."""

    plays: int
    reached: dict[int, int]  # percent -> count


def record_event(session: Session, article: Article, kind: str) -> ListenEvent:
    """Store one event of `kind` (see KINDS) for the article's current narration."""
    if kind not in KINDS:
        raise ValueError(f"unknown listening event {kind!r}")
    event = ListenEvent(article_id=article.id, narration_id=article.current_narration_id, kind=kind)
    session.add(event)
    session.flush()
    return event


def stats_of(session: Session, article_id: str) -> ListeningStats:
    """Summarize an article's events."""
    query = (
        select(ListenEvent.kind, func.count()).where(ListenEvent.article_id == article_id).group_by(ListenEvent.kind)
    )
    counts: dict[str, int] = {str(kind): int(count) for kind, count in session.execute(query).all()}
    return ListeningStats(plays=counts.get("play", 0), reached={q: counts.get(f"p{q}", 0) for q in QUARTILES})


@dataclass(frozen=True)
class DayCounts:
    """One day's events (UTC): plays, and how many listens reached each quartile."""

    day: date
    plays: int
    reached: dict[int, int]


@dataclass(frozen=True)
class DailyStats:
    """Every day of a window, oldest first (days without events count zero)."""

    days: list[DayCounts]

    @property
    def totals(self) -> ListeningStats:
        """The window's counts summed."""
        return ListeningStats(
            plays=sum(d.plays for d in self.days),
            reached={q: sum(d.reached[q] for d in self.days) for q in QUARTILES},
        )


def window(days: int, today: date | None = None) -> tuple[date, date]:
    """The first and last day (UTC) of the `days` days that end today."""
    last = today or datetime.now(UTC).date()
    return last - timedelta(days=days - 1), last


def _day_of(session: Session) -> ColumnElement[Any]:
    # PostgreSQL's date() of a timestamptz uses the session's time zone; the days here are UTC days.
    # SQLite stores the moments as UTC text, which date() reads as UTC.
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", ListenEvent.created_at))
    return func.date(ListenEvent.created_at)


def _scoped(query: Select[Any], *, article_id: str | None, feed: str | None, project: str | None) -> Select[Any]:
    if article_id is not None:
        query = query.where(ListenEvent.article_id == article_id)
    if feed is not None or project is not None:
        query = query.join(Article, Article.id == ListenEvent.article_id)
    if feed is not None:
        query = query.where(Article.feed == feed)
    if project is not None:
        query = query.where(Article.project_id == project)
    return query


def daily_stats(
    session: Session,
    first: date,
    last: date,
    *,
    article_id: str | None = None,
    feed: str | None = None,
    project: str | None = None,
) -> DailyStats:
    """Events per UTC day from `first` to `last` (inclusive) of one article, one feed, or one project's articles."""
    day = _day_of(session)
    start = datetime.combine(first, datetime.min.time(), UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
    query = (
        select(day, ListenEvent.kind, func.count())
        .where(ListenEvent.created_at >= start, ListenEvent.created_at < end)
        .group_by(day, ListenEvent.kind)
    )
    counts: dict[tuple[date, str], int] = {}
    for when, kind, count in session.execute(_scoped(query, article_id=article_id, feed=feed, project=project)):
        # SQLite answers date() with text, PostgreSQL with a date.
        key = (when if isinstance(when, date) else date.fromisoformat(str(when)), str(kind))
        counts[key] = counts.get(key, 0) + int(count)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return DailyStats(
        [DayCounts(d, counts.get((d, "play"), 0), {q: counts.get((d, f"p{q}"), 0) for q in QUARTILES}) for d in days]
    )


def most_played(
    session: Session, first: date, last: date, *, project: str, feed: str | None = None, limit: int = 20
) -> list[tuple[Article, int]]:
    """The project's (or one feed's) articles played most from `first` to `last`, with their plays."""
    start = datetime.combine(first, datetime.min.time(), UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
    plays = func.count().label("plays")
    query = (
        select(Article, plays)
        .join(ListenEvent, ListenEvent.article_id == Article.id)
        .where(ListenEvent.kind == "play", ListenEvent.created_at >= start, ListenEvent.created_at < end)
        .where(Article.project_id == project)
        .group_by(Article.id)
        .order_by(plays.desc(), Article.id)
        .limit(limit)
    )
    if feed is not None:
        query = query.where(Article.feed == feed)
    return [(article, int(count)) for article, count in session.execute(query)]
