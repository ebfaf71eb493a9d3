"""The garbage collector against a planner reusing the same segment at the same moment, on SQLite and PostgreSQL.

A done segment no plan names is collectable; a narration being planned right
now may be about to reuse it. Whichever transaction comes first, the
narration must end up with a segment it can use: kept (and named by its
plan), or deleted and planned again as pending (synthesized anew), never a
plan naming a segment that is gone or a failed plan. The same holds for direct
synthesis (/v1/audio/speech), which reuses segments without a plan: it marks them used.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TypeVar

import pytest
from sqlalchemy.orm import Session

from service.articles import records, retention
from service.core import migrations
from service.core.db import session_scope
from service.core.models import Narration, NarrationSegment, Segment, utcnow
from service.document.model import Block, Document
from service.segments import plan as segments
from tests.unit.test_migrations import new_database, new_postgres  # noqa: F401 - fixtures

KEY = "5e" * 32
SPEC = segments.SegmentSpec(kind="paragraph", text="Reused.", language="en", voice="v")
LONG_AGO = timedelta(days=2)
T = TypeVar("T")


@pytest.fixture
def url(new_database: Callable[[], str]) -> str:  # noqa: F811
    url = new_database()
    migrations.upgrade(url)
    return url


def old_unnamed_segment_and_a_queued_narration(url: str) -> str:
    with session_scope(url) as session:
        session.add(Segment(key=KEY, voice="v", spec=SPEC.to_json(), status="done", finished_at=utcnow() - LONG_AGO))
        _, narration = records.create_article(
            session,
            document=Document(title=None, blocks=(Block("paragraph", "Reused."),)),
            source_kind="text",
            source="x",
            voice="v",
        )
        return narration.id


def plan(session: Session, narration_id: str) -> segments.Plan:
    narration = session.get(Narration, narration_id)
    assert narration is not None
    return segments.plan_narration(session, narration, [(KEY, SPEC)], bypass_cache=False)


def collect_segments(scope: retention.Scope) -> tuple[int, int]:
    return retention.delete_segments(scope, [KEY], utcnow() - timedelta(hours=1))


def use_first(url: str, use: Callable[[Session], T]) -> T:
    """`use` (a plan, a speech request) reuses the segment in a transaction still open while the collector runs."""
    used, release = threading.Event(), threading.Event()
    result: list[T] = []

    def user() -> None:
        with session_scope(url) as session:
            result.append(use(session))
            used.set()
            release.wait(10)  # not committed yet while the collector runs

    thread = threading.Thread(target=user)
    thread.start()
    assert used.wait(10)
    threading.Timer(1.0, release.set).start()  # SQLite: the collector waits for the user's write lock
    assert collect_segments(lambda: session_scope(url)) == (0, 0)
    thread.join(10)
    return result[0]


def collection_first(url: str, use: Callable[[Session], T]) -> T:
    """The collector deletes the segment and holds its transaction open while `use` comes for it."""
    deleting, errors = threading.Event(), []
    result: list[T] = []

    @contextmanager
    def held_open() -> Iterator[Session]:
        with session_scope(url) as session:
            yield session
            deleting.set()
            time.sleep(1.0)

    def user() -> None:
        assert deleting.wait(10)
        try:
            with session_scope(url) as session:
                result.append(use(session))
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    thread = threading.Thread(target=user)
    thread.start()
    assert collect_segments(held_open) == (1, 0)
    thread.join(30)
    assert errors == []
    return result[0]


def test_a_plan_first_keeps_the_segment_it_reuses(url: str) -> None:
    narration_id = old_unnamed_segment_and_a_queued_narration(url)
    assert use_first(url, lambda session: plan(session, narration_id)).missing == ()  # reused as cached
    with session_scope(url) as session:
        segment = session.get(Segment, KEY)
        assert segment is not None and segment.status == "done"
        assert session.get(NarrationSegment, (narration_id, 0)) is not None


def test_a_collection_first_makes_the_plan_synthesize_the_segment_again(url: str) -> None:
    narration_id = old_unnamed_segment_and_a_queued_narration(url)
    # Gone, so planned anew: a worker synthesizes it.
    assert collection_first(url, lambda session: plan(session, narration_id)).missing == (KEY,)
    with session_scope(url) as session:
        segment = session.get(Segment, KEY)
        assert segment is not None and segment.status == "pending"
        assert session.get(NarrationSegment, (narration_id, 0)) is not None


def test_two_plans_inserting_the_same_new_segment_at_once_both_succeed(url: str) -> None:
    """Two articles sharing a block, planned at once on two workers: the second insert of the key waits for the
    first transaction, then uses its row (no unique-key error failing the second narration)."""
    first_inserted, second_done = threading.Event(), threading.Event()
    outcome: list[bool] = []

    def second() -> None:
        first_inserted.wait(10)
        with session_scope(url) as session:
            outcome.append(segments.insert_segment(session, KEY, SPEC))
        second_done.set()

    thread = threading.Thread(target=second)
    thread.start()
    with session_scope(url) as session:
        assert segments.insert_segment(session, KEY, SPEC)
        first_inserted.set()
        time.sleep(0.5)  # the second insert is now waiting for this transaction (PostgreSQL) or for the writer lock
    thread.join(20)
    assert second_done.is_set() and outcome == [False]
    with session_scope(url) as session:
        assert session.get(Segment, KEY) is not None


def old_unnamed_segment(url: str) -> None:
    with session_scope(url) as session:
        session.add(Segment(key=KEY, voice="v", spec=SPEC.to_json(), status="done", finished_at=utcnow() - LONG_AGO))


def request(session: Session) -> list[str]:
    """What a /v1/audio/speech request for the block asks the workers to synthesize."""
    return segments.request_segments(session, [(KEY, SPEC)])


def test_a_speech_request_first_keeps_the_segment_it_reuses(url: str) -> None:
    """Direct synthesis reuses the old segment no plan names: marked used, the collection spares it."""
    old_unnamed_segment(url)
    assert use_first(url, request) == []  # reused as cached
    with session_scope(url) as session:
        segment = session.get(Segment, KEY)
        assert segment is not None and segment.status == "done" and segment.used_at is not None


def test_a_collection_first_makes_the_speech_request_synthesize_the_segment_again(url: str) -> None:
    old_unnamed_segment(url)
    assert collection_first(url, request) == [KEY]  # gone, so requested anew: a worker synthesizes it
    with session_scope(url) as session:
        segment = session.get(Segment, KEY)
        assert segment is not None and segment.status == "pending"
