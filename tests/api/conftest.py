"""API tests: the real app over a temporary SQLite database, with a recording queue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.deps import get_queue
from service.core.settings import Settings


class RecordingQueue:
    """A fake queue that remembers what was enqueued (and can be told to fail)."""

    def __init__(self) -> None:
        self.enqueued: list[str] = []
        self.priorities: list[str] = []
        self.segments: list[str] = []
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
