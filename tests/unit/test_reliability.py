"""Reliability: the outbox, the reconciler, one article per external_id under concurrency, cancelled segments."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from service.articles import records
from service.articles.editing import submit_article
from service.articles.intake import ArticleInput
from service.articles.reconcile import STALLED, reconcile
from service.core import metrics, outbox
from service.core.db import session_scope
from service.core.models import Article, Dispatch, Narration, Segment, WebhookDelivery, utcnow
from service.core.queue import (
    ANNOUNCE_TASK,
    ASSEMBLE_TASK,
    DEFAULT_QUEUE,
    NARRATE_TASK,
    SEGMENT_TASK,
    URGENT_QUEUE,
    WEBHOOK_DELIVERY_TASK,
)
from service.core.settings import Settings
from service.segments import plan as segments
from service.webhooks import store
from service.webhooks.signing import generate_secret
from tests.unit.test_migrations import new_database, new_postgres  # noqa: F401 - fixtures
from workers.webhooks import emit_narration_event

STALL = 60.0


class Publisher:
    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Any], str]] = []
        self.broken = False

    def send(self, task: str, args: list[Any], queue: str) -> None:
        if self.broken:
            raise ConnectionError("broker down")
        self.sent.append((task, args, queue))

    def enqueue_narration(self, narration_id: str, priority: str = "now") -> None:
        raise AssertionError("the API publishes through the outbox")

    def enqueue_segment(self, key: str, priority: str = "now") -> None:
        raise AssertionError("not used")

    def check(self) -> None:
        pass


def _post(settings: Settings, publisher: Publisher, text: str = "One.\n\nTwo.", **kw: Any) -> str:
    with session_scope(settings.database_url) as session:
        outcome = submit_article(
            session,
            publisher,  # type: ignore[arg-type]
            settings,
            ArticleInput(text=text),
            voice=None,
            feed=kw.get("feed"),
            external_id=kw.get("external_id"),
            priority="now",
        )
        assert outcome.narration is not None
        return outcome.narration.id


def _age(settings: Settings, narration_id: str, seconds: float, **values: Any) -> None:
    with session_scope(settings.database_url) as session:
        narration = session.get(Narration, narration_id)
        assert narration is not None
        then = utcnow() - timedelta(seconds=seconds)
        narration.created_at = then
        narration.progressed_at = then if narration.status == "running" else None
        for name, value in values.items():
            setattr(narration, name, value)


def _plan(settings: Settings, narration_id: str, done: int) -> list[str]:
    """Plan two segments for a narration, `done` of them finished; mark it running."""
    keys = [f"{narration_id[:8]}{i}".ljust(64, "0") for i in range(2)]
    with session_scope(settings.database_url) as session:
        narration = session.get(Narration, narration_id)
        assert narration is not None
        spec = segments.SegmentSpec(kind="paragraph", text="x", language="en", voice="v")
        segments.plan_narration(session, narration, [(k, spec) for k in keys], bypass_cache=False)
        for key in keys[:done]:
            segment = session.get(Segment, key)
            assert segment is not None
            segment.status = "done"
        narration.status = "running"
    return keys


def _reconcile(settings: Settings, **kw: Any) -> list[Any]:
    with session_scope(settings.database_url) as session:
        return reconcile(session, stall_after_s=STALL, max_attempts=kw.pop("max_attempts", 3), **kw)


def _pending(settings: Settings) -> list[tuple[str, list[Any], str]]:
    with session_scope(settings.database_url) as session:
        rows = session.query(Dispatch).filter(Dispatch.sent_at.is_(None)).order_by(Dispatch.id)
        return [(r.task, r.args, r.queue) for r in rows]


def test_an_article_posted_while_the_broker_is_down_is_published_when_it_returns(settings: Settings) -> None:
    publisher = Publisher()
    publisher.broken = True
    narration_id = _post(settings, publisher)
    assert publisher.sent == [] and _pending(settings) == [(NARRATE_TASK, [narration_id], "narrator.now")]
    publisher.broken = False
    with session_scope(settings.database_url) as session:
        assert outbox.publish_pending(session, publisher) == (1, 0)
        assert outbox.publish_pending(session, publisher) == (0, 0)
    assert publisher.sent == [(NARRATE_TASK, [narration_id], "narrator.now")]


def test_the_reconciler_leaves_moving_narrations_alone(settings: Settings) -> None:
    publisher = Publisher()
    narration_id = _post(settings, publisher)
    _plan(settings, narration_id, done=1)
    _age(settings, narration_id, STALL / 2)
    assert _reconcile(settings) == []


def test_a_queued_narration_whose_message_was_lost_is_dispatched_again(settings: Settings) -> None:
    narration_id = _post(settings, Publisher())
    _age(settings, narration_id, STALL + 1)
    assert [a.action for a in _reconcile(settings)] == ["narrate"]
    assert _pending(settings) == [(NARRATE_TASK, [narration_id], "narrator.now")]
    assert _reconcile(settings) == []  # its dispatch waits in the outbox: not stalled again


def test_a_stalled_narration_gets_its_missing_segments_then_its_assembly(settings: Settings) -> None:
    narration_id = _post(settings, Publisher())
    keys = _plan(settings, narration_id, done=1)
    _age(settings, narration_id, STALL + 1)
    assert [(a.action, a.count) for a in _reconcile(settings)] == [("segments", 1)]
    assert _pending(settings) == [(SEGMENT_TASK, [keys[1]], "narrator.now")]
    with session_scope(settings.database_url) as session:
        outbox.publish_pending(session, Publisher())
        segment = session.get(Segment, keys[1])
        assert segment is not None
        segment.status = "done"
    # The window doubled after a reconciliation (and grows with the segments while it assembles).
    _age(settings, narration_id, 2 * STALL - 1)
    assert _reconcile(settings) == []
    _age(settings, narration_id, 2 * STALL + 2)
    assert [a.action for a in _reconcile(settings)] == ["assemble"]
    assert _pending(settings) == [(ASSEMBLE_TASK, [narration_id], URGENT_QUEUE)]


def test_a_narration_that_never_moves_ends_failed_not_running(settings: Settings) -> None:
    narration_id = _post(settings, Publisher())
    _plan(settings, narration_id, done=0)
    _age(settings, narration_id, 10_000, reconciles=3)
    assert _reconcile(settings, dry_run=True)[0].action == "failed"
    assert [a.action for a in _reconcile(settings)] == ["failed"]
    with session_scope(settings.database_url) as session:
        narration = session.get(Narration, narration_id)
        assert narration is not None
        assert (narration.status, narration.error_code) == ("failed", STALLED)


def test_a_stalled_narration_is_counted_as_a_failure_with_its_code(settings: Settings) -> None:
    narration_id = _post(settings, Publisher())
    _plan(settings, narration_id, done=1)
    _age(settings, narration_id, 10_000, reconciles=3)
    failures = metrics.NARRATION_FAILURES.labels(STALLED)  # narrator_narration_failures_total{code="stalled"}
    before = failures._value.get()
    assert [a.action for a in _reconcile(settings)] == ["failed"]
    assert failures._value.get() == before + 1


def test_a_stalled_narration_is_announced_to_webhooks_as_failed(settings: Settings) -> None:
    with session_scope(settings.database_url) as session:
        store.create_endpoint(session, url="http://127.0.0.1:9/hook", secret=generate_secret())
    narration_id = _post(settings, Publisher())
    _plan(settings, narration_id, done=1)
    _age(settings, narration_id, 10_000, reconciles=3)
    assert [a.action for a in _reconcile(settings)] == ["failed"]
    [(task, args, _queue)] = _pending(settings)  # committed with the failure: the broker may be down now
    assert (task, args) == (ANNOUNCE_TASK, [narration_id])
    publisher = Publisher()
    [delivery_id] = emit_narration_event(settings, *args, publisher)  # type: ignore[arg-type] # the worker's task
    with session_scope(settings.database_url) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        assert delivery is not None
        event = json.loads(delivery.payload)
    assert event["type"] == "narration.failed"
    assert event["data"]["error"]["code"] == STALLED
    assert publisher.sent == [(WEBHOOK_DELIVERY_TASK, [delivery_id, 1], DEFAULT_QUEUE)]


def test_deleting_an_article_cancels_the_segments_no_kept_narration_needs(settings: Settings) -> None:
    kept = _post(settings, Publisher(), text="Shared.\n\nKept only.")
    gone = _post(settings, Publisher(), text="Shared.\n\nGone only.")
    kept_keys, gone_keys = _plan(settings, kept, done=0), _plan(settings, gone, done=0)
    with session_scope(settings.database_url) as session:  # both narrations need one segment
        session.get(Narration, kept)
        segments.plan_narration(
            session,
            session.get(Narration, kept),  # type: ignore[arg-type]
            [(k, segments.SegmentSpec("paragraph", "x", "en", "v")) for k in [*kept_keys, gone_keys[0]]],
            bypass_cache=False,
        )
    with session_scope(settings.database_url) as session:
        article = records.get_article(session, session.get(Narration, gone).article_id)  # type: ignore[union-attr]
        records.delete_article(session, article)
    with session_scope(settings.database_url) as session:
        status = {k: session.get(Segment, k).status for k in [*kept_keys, *gone_keys]}  # type: ignore[union-attr]
    assert status == {
        kept_keys[0]: "pending",
        kept_keys[1]: "pending",
        gone_keys[0]: "pending",
        gone_keys[1]: "cancelled",
    }

    from workers.narration.fanout import synthesize_segment

    assert synthesize_segment(gone_keys[1], settings, None) == "cancelled"  # type: ignore[arg-type]


@pytest.mark.parametrize("feed", [None, "news"])
def test_ten_concurrent_posts_of_one_external_id_make_one_article(
    new_database: Callable[..., str],  # noqa: F811
    tmp_path: Path,
    feed: str | None,
) -> None:
    url = new_database(migrated=True)
    settings = Settings(data_dir=tmp_path, database_url=url)
    if feed is not None:
        from service.core.models import Feed

        with session_scope(url) as session:
            session.add(
                Feed(slug=feed, title="t", description="d", author="a", owner_email="o@x", category="News", guid="g")
            )
    start, errors, narrations = threading.Barrier(10), [], []  # type: ignore[var-annotated]

    def post() -> None:
        start.wait()
        try:
            with session_scope(url) as session:
                outcome = submit_article(
                    session,
                    Publisher(),  # type: ignore[arg-type]
                    settings,
                    ArticleInput(text="Same."),
                    voice=None,
                    feed=feed,
                    external_id="one",
                    priority="now",
                )
                narrations.append(outcome.narration)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with session_scope(url) as session:
        articles = session.query(Article).filter(Article.external_id == "one").count()
    assert articles == 1
    assert not errors, errors
