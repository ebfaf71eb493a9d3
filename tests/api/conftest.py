"""API tests: the real app over a temporary SQLite database, with a recording queue."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.deps import get_queue
from service.core.queue import NARRATE_TASK, PRIORITY_QUEUES
from service.core.settings import Settings


class RecordingQueue:
    """A fake queue that remembers what was enqueued (and can be told to fail)."""

    def __init__(self) -> None:
        self.enqueued: list[str] = []
        self.priorities: list[str] = []
        self.segments: list[str] = []
        self.sent: list[tuple[str, list[Any], str]] = []
        self.broken = False

    def enqueue_narration(self, narration_id: str, priority: str = "now") -> None:
        if self.broken:
            raise ConnectionError("broker down")
        self.enqueued.append(narration_id)
        self.priorities.append(priority)

    def enqueue_segment(self, key: str, priority: str = "now") -> None:
        if self.broken:
            raise ConnectionError("broker down")
        self.segments.append(key)

    def send(self, task: str, args: list[Any], queue: str) -> None:
        """The outbox's dispatcher publishes through here."""
        if self.broken:
            raise ConnectionError("broker down")
        if task == NARRATE_TASK:
            self.enqueued.append(args[0])
            self.priorities.append(next(p for p, q in PRIORITY_QUEUES.items() if q == queue))
        else:
            self.sent.append((task, list(args), queue))

    def check(self) -> None:
        if self.broken:
            raise ConnectionError("broker down")

    def depths(self) -> dict[str, int]:
        self.check()
        return {"narrator.now": len(self.enqueued), "narrator.backfill": 0}


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def client(settings: Settings, queue: RecordingQueue) -> Iterator[TestClient]:
    app = create_app(settings)
    app.dependency_overrides[get_queue] = lambda: queue
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def app_with(settings: Settings, queue: RecordingQueue) -> Callable[..., FastAPI]:
    """Builds the app with some settings changed (`app_with(rate_limit_per_key="3/minute")`), on the recording queue."""

    def build(**changes: Any) -> FastAPI:
        app = create_app(settings.model_copy(update=changes))
        app.dependency_overrides[get_queue] = lambda: queue
        return app

    return build
