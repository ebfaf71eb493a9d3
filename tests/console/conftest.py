"""Console tests: the real app (as in tests/api) driven like a browser: cookies, forms, Origin headers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.access import keys
from service.api.app import create_app
from service.api.deps import get_queue
from service.core.db import session_scope
from service.core.settings import Settings
from tests.api.conftest import RecordingQueue

ORIGIN = "http://testserver"


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def client(settings: Settings, queue: RecordingQueue) -> Iterator[TestClient]:
    """A browser-like client: keeps cookies, sends this origin on every request (as browsers do on POST)."""
    app = create_app(settings)
    app.dependency_overrides[get_queue] = lambda: queue
    with TestClient(app, headers={"Origin": ORIGIN}, follow_redirects=False) as test_client:
        yield test_client


def make_key(settings: Settings, scopes: list[str], project: str = "default", name: str = "editor") -> str:
    with session_scope(settings.database_url) as session:
        return keys.create_key(session, project, name, scopes)[1]


def csrf_of(html: str) -> str:
    """The CSRF token a console page put in its forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, key: str) -> None:
    page = client.get("/console/sign-in")
    assert page.status_code == 200, page.text
    signed = client.post("/console/sign-in", data={"key": key, "csrf_token": csrf_of(page.text)})
    assert signed.status_code == 303, signed.text
