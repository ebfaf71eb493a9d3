"""Anonymous listening stats: the player reports plays and quartiles reached; nothing about the listener.

An event is (article, the narration current at the time, kind, when). There is
no IP address, user agent, cookie or listener id, so the counts are events,
not people: a listener who plays twice counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
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
    counts: dict[str, int] = dict(session.execute(query).tuples().all())
    return ListeningStats(plays=counts.get("play", 0), reached={q: counts.get(f"p{q}", 0) for q in QUARTILES})
