"""GET /v1/narrations/{id}/review: what the ASR self-check recorded, or 404 review_not_available."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.deps import get_queue
from service.api.routes import review
from service.articles import reviews
from service.core.db import session_scope
from service.core.models import Article, Narration
from service.core.settings import Settings
from tests.api.conftest import RecordingQueue

PARAGRAPHS = [
    {
        "index": 0,
        "text": "Good morning.",
        "score": 1.0,
        "heard": "Good morning.",
        "words": 2,
        "errors": 0,
        "differences": [],
    },
    {
        "index": 1,
        "text": "Shares of Huawei rose.",
        "score": 0.6,
        "heard": "Shares of Hugh away rose.",
        "words": 4,
        "errors": 2,
        "differences": [{"expected": "Huawei", "start": 10, "end": 16, "heard": "hugh away"}],
    },
]


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    if not any(getattr(r, "path", "") == "/v1/narrations/{narration_id}/review" for r in app.routes):
        app.include_router(review.router)
    app.dependency_overrides[get_queue] = RecordingQueue
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def narration_id(settings: Settings, client: TestClient) -> str:
    with session_scope(settings.database_url) as session:
        article = Article(source_kind="text", source="x", blocks=[{"kind": "paragraph", "text": "x"}], voice="v")
        session.add(article)
        session.flush()
        narration = Narration(article_id=article.id, version=1, voice="v", status="done")
        session.add(narration)
        session.flush()
        return narration.id


def _record(settings: Settings, narration_id: str, paragraphs: list[dict]) -> None:
    with session_scope(settings.database_url) as session:
        reviews.record_review(session, narration_id, paragraphs)


def test_a_narration_without_a_review_answers_review_not_available(client: TestClient, narration_id: str) -> None:
    response = client.get(f"/v1/narrations/{narration_id}/review")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "review_not_available"


def test_an_unknown_narration_answers_review_not_available(client: TestClient) -> None:
    response = client.get("/v1/narrations/nope/review")
    assert response.status_code == 404
    assert response.json()["code"] == "review_not_available"


def test_the_review_lists_paragraphs_and_the_words_heard_differently(
    settings: Settings, client: TestClient, narration_id: str
) -> None:
    _record(settings, narration_id, PARAGRAPHS)
    body = client.get(f"/v1/narrations/{narration_id}/review").json()
    assert body["narration_id"] == narration_id
    assert body["score"] == round(1 - 2 / 6, 4)  # weighted by words over the narration
    assert [p["index"] for p in body["paragraphs"]] == [0, 1]
    assert body["paragraphs"][1]["score"] == 0.6
    assert body["paragraphs"][1]["differences"] == [
        {"expected": "Huawei", "start": 10, "end": 16, "heard": "hugh away"}
    ]


def test_recording_again_replaces_the_review(settings: Settings, client: TestClient, narration_id: str) -> None:
    _record(settings, narration_id, PARAGRAPHS)
    _record(settings, narration_id, PARAGRAPHS[:1])  # a redelivered task records again
    body = client.get(f"/v1/narrations/{narration_id}/review").json()
    assert body["score"] == 1.0
    assert len(body["paragraphs"]) == 1


def test_deleting_the_narration_deletes_its_review(settings: Settings, client: TestClient, narration_id: str) -> None:
    _record(settings, narration_id, PARAGRAPHS)
    with session_scope(settings.database_url) as session:
        session.delete(session.get(Narration, narration_id))
    assert client.get(f"/v1/narrations/{narration_id}/review").status_code == 404
