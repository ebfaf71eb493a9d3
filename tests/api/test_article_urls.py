"""Articles given by URL: fetched safely from a real local server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.deps import get_queue
from service.core.settings import Settings
from tests.api.conftest import RecordingQueue
from tests.conftest import serve_pages


@pytest.fixture
def site(examples: Path) -> Iterator[str]:
    pages = {
        "/story.html": (200, (examples / "deepseek-huawei.html").read_bytes()),
        "/empty.html": (200, b"<html><body><nav>Home</nav></body></html>"),
    }
    with serve_pages(pages) as url:
        yield url


@pytest.fixture
def open_client(settings: Settings, queue: RecordingQueue) -> Iterator[TestClient]:
    """A client whose settings allow fetching from this machine (as an operator could)."""
    app = create_app(settings.model_copy(update={"fetch_allow_hosts": ["127.0.0.1"]}))
    app.dependency_overrides[get_queue] = lambda: queue
    with TestClient(app) as client:
        yield client


def test_a_url_on_a_private_address_is_refused_by_default(client: TestClient, site: str) -> None:
    response = client.post("/v1/articles", json={"url": f"{site}/story.html"})
    assert response.status_code == 422
    assert response.json()["code"] == "url_forbidden"


def test_a_url_allowed_by_settings_is_fetched_and_extracted(open_client: TestClient, site: str) -> None:
    response = open_client.post("/v1/articles", json={"url": f"{site}/story.html"})
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["source_kind"] == "url"
    assert body["title"].startswith("DeepSeek entrusted")


def test_a_missing_page_is_fetch_failed(open_client: TestClient, site: str) -> None:
    response = open_client.post("/v1/articles", json={"url": f"{site}/gone.html"})
    assert response.status_code == 422
    assert response.json()["code"] == "fetch_failed"


def test_a_page_without_an_article_is_not_an_article(open_client: TestClient, site: str) -> None:
    response = open_client.post("/v1/articles", json={"url": f"{site}/empty.html"})
    assert response.status_code == 422
    assert response.json()["code"] == "not_an_article"


def test_a_non_http_url_is_refused(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"url": "file:///etc/passwd"})
    assert response.json()["code"] == "url_forbidden"
