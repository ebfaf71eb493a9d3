"""Editors: PUT only re-narrates spoken changes, re-narration, history, delete, Idempotency-Key, priorities."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.core.settings import Settings
from service.core.storage import open_storage
from tests.api.conftest import RecordingQueue

BODY = {
    "title": "Budget",
    "html": "<article><h1>Budget</h1><p>The council met on Monday.</p><p>It voted.</p></article>",
}


def _create(client: TestClient, body: dict | None = None) -> dict:
    response = client.post("/v1/articles", json=body or BODY)
    assert response.status_code == 202, response.text
    return response.json()


def test_put_with_the_same_content_is_200_and_queues_nothing(client: TestClient, queue: RecordingQueue) -> None:
    article = _create(client)
    response = client.put(f"/v1/articles/{article['id']}", json=BODY)
    assert response.status_code == 200
    assert response.json()["latest_narration"]["version"] == 1
    assert len(queue.enqueued) == 1


def test_put_changing_only_unspoken_markup_and_whitespace_is_200(client: TestClient) -> None:
    article = _create(client)
    html = (
        "<article>\n <h1>Budget</h1>\n<p class='x'>The   council met on <b>Monday</b>.</p>\n<p>It voted.</p></article>"
    )
    response = client.put(f"/v1/articles/{article['id']}", json={"title": "Budget", "html": html})
    assert response.status_code == 200


def test_put_with_changed_words_is_202_with_a_new_version(client: TestClient, queue: RecordingQueue) -> None:
    article = _create(client)
    edited = {**BODY, "html": BODY["html"].replace("It voted.", "It voted twice.")}
    response = client.put(f"/v1/articles/{article['id']}", json=edited)
    assert response.status_code == 202
    narration = response.json()["latest_narration"]
    assert (narration["version"], narration["reason"]) == (2, "edited")
    assert response.headers["location"] == f"/v1/narrations/{narration['id']}"
    assert queue.enqueued[-1] == narration["id"]
    assert "It voted twice." in response.json()["text"]


def test_put_to_an_unknown_article_is_404(client: TestClient) -> None:
    assert client.put("/v1/articles/nope", json=BODY).json()["code"] == "not_found"


def test_renarrating_with_another_voice_records_the_reason(client: TestClient, settings: Settings) -> None:
    article = _create(client)
    response = client.post(f"/v1/articles/{article['id']}/narrations", json={"voice": "en_US-joe-medium"})
    assert response.status_code == 202
    assert response.json()["version"] == 2


def test_forced_renarration_is_recorded_as_forced(client: TestClient) -> None:
    article = _create(client)
    narration = client.post(f"/v1/articles/{article['id']}/narrations", json={"force": True}).json()
    assert narration["reason"] == "forced"


def test_renarrating_with_an_unknown_voice_is_422(client: TestClient) -> None:
    article = _create(client)
    response = client.post(f"/v1/articles/{article['id']}/narrations", json={"voice": "nobody"})
    assert response.json()["code"] == "unknown_voice"


def test_history_lists_every_version_newest_first(client: TestClient) -> None:
    article = _create(client)
    client.post(f"/v1/articles/{article['id']}/narrations", json={"force": True})
    history = client.get(f"/v1/articles/{article['id']}/narrations").json()
    assert [n["version"] for n in history] == [2, 1]


def test_delete_removes_the_article_and_its_files(client: TestClient, settings: Settings) -> None:
    from tests.api.test_media import _finished_article

    article_id, key = _finished_article(client, settings)
    storage = open_storage(settings.storage_url)
    assert storage.exists(key)
    assert client.delete(f"/v1/articles/{article_id}").status_code == 204
    assert client.get(f"/v1/articles/{article_id}").status_code == 404
    assert client.delete(f"/v1/articles/{article_id}").status_code == 404
    assert not storage.exists(key)


def test_the_same_idempotency_key_and_body_replays_the_first_response(
    client: TestClient, queue: RecordingQueue
) -> None:
    headers = {"Idempotency-Key": "k-1"}
    first = client.post("/v1/articles", json=BODY, headers=headers)
    again = client.post("/v1/articles", json=BODY, headers=headers)
    assert again.status_code == first.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert len(queue.enqueued) == 1


def test_the_same_idempotency_key_with_another_body_is_422(client: TestClient) -> None:
    client.post("/v1/articles", json=BODY, headers={"Idempotency-Key": "k-2"})
    response = client.post("/v1/articles", json={"text": "Other."}, headers={"Idempotency-Key": "k-2"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


def test_an_idempotency_key_still_in_progress_is_409(client: TestClient, settings: Settings) -> None:
    from service.articles import idempotency
    from service.core.db import session_scope

    fingerprint = idempotency.request_fingerprint("POST", "/v1/articles", _canonical(BODY))
    with session_scope(settings.database_url) as session:
        idempotency.begin(session, "k-3", fingerprint)  # a first request that has not answered yet
    response = client.post("/v1/articles", json=BODY, headers={"Idempotency-Key": "k-3"})
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_progress"


def test_a_failed_first_request_frees_its_idempotency_key(client: TestClient) -> None:
    assert client.post("/v1/articles", json={"text": " "}, headers={"Idempotency-Key": "k-4"}).status_code == 422
    assert client.post("/v1/articles", json=BODY, headers={"Idempotency-Key": "k-4"}).status_code == 202


def test_backfill_priority_goes_to_the_backfill_queue(client: TestClient, queue: RecordingQueue) -> None:
    narration = _create(client, {**BODY, "priority": "backfill"})["latest_narration"]
    assert narration["priority"] == "backfill"
    assert queue.priorities == ["backfill"]


def _canonical(body: dict) -> dict:
    from service.api.schemas import ArticleCreate

    return ArticleCreate.model_validate(body).model_dump(mode="json")


def test_section_voices_are_stored_and_shown(client: TestClient) -> None:
    article = _create(client, {**BODY, "heading_voice": "en_US-joe-medium", "quote_voice": "en_US-joe-medium"})
    assert article["section_voices"] == {"heading": "en_US-joe-medium", "quote": "en_US-joe-medium"}


def test_an_unknown_section_voice_is_422(client: TestClient) -> None:
    response = client.post("/v1/articles", json={**BODY, "quote_voice": "nobody"})
    assert response.json()["code"] == "unknown_voice"


def test_changing_a_section_voice_renarrates(client: TestClient) -> None:
    article = _create(client)
    response = client.put(f"/v1/articles/{article['id']}", json={**BODY, "heading_voice": "en_US-joe-medium"})
    assert response.status_code == 202
