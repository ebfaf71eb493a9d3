from pathlib import Path

from fastapi.testclient import TestClient

from service.articles import records
from service.core import outbox
from service.core.db import session_scope
from service.core.settings import Settings
from tests.api.conftest import RecordingQueue

PROBLEM = "application/problem+json"


def test_posting_text_answers_202_with_the_narration_location(client: TestClient, queue: RecordingQueue) -> None:
    response = client.post("/v1/articles", json={"title": "Hello", "text": "One sentence. Another.\n\nA paragraph."})
    assert response.status_code == 202
    body = response.json()
    narration_id = body["latest_narration"]["id"]
    assert response.headers["location"] == f"/v1/narrations/{narration_id}"
    assert body["latest_narration"]["status"] == "queued"
    assert body["text"] == "Hello\n\nOne sentence. Another.\n\nA paragraph."
    assert queue.enqueued == [narration_id]


def test_posting_html_extracts_the_story(client: TestClient, examples: Path) -> None:
    html = (examples / "deepseek-huawei.html").read_text()
    response = client.post("/v1/articles", json={"html": html})
    assert response.status_code == 202
    expected_first_line = (examples / "deepseek-huawei.txt").read_text().strip().splitlines()[0]
    assert response.json()["title"] == expected_first_line.strip()


def test_get_article_returns_what_was_posted(client: TestClient) -> None:
    created = client.post("/v1/articles", json={"text": "Body text.", "external_id": "a-1", "feed": "news"}).json()
    fetched = client.get(f"/v1/articles/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["external_id"] == "a-1"
    assert fetched.json()["audio_url"] is None


def test_get_narration_reports_status_and_progress(client: TestClient) -> None:
    location = client.post("/v1/articles", json={"text": "Body text."}).headers["location"]
    narration = client.get(location).json()
    assert narration["status"] == "queued"
    assert narration["progress"] == 0.0
    assert narration["error"] is None


def test_empty_text_is_422_empty_text(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"text": "   \n "})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "empty_text"


def test_unknown_voice_is_422_unknown_voice(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"text": "Hi.", "voice": "no-such-voice"})
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_voice"


def test_malformed_json_is_422_malformed_json(client: TestClient) -> None:
    response = client.post("/v1/articles", content=b'{"text": ', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "malformed_json"


def test_two_sources_at_once_are_422_validation_failed(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"text": "a", "html": "<p>b</p>"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


def test_a_body_over_the_limit_is_413(client: TestClient, queue: RecordingQueue) -> None:
    response = client.post("/v1/articles", json={"text": "word " * 500_000})
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "payload_too_large"
    assert queue.enqueued == []


def test_a_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks():  # no Content-Length: the limit must count streamed bytes
        for _ in range(300):
            yield b"x" * 10_000

    response = client.post("/v1/articles", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_unknown_article_is_404_problem(client: TestClient) -> None:
    response = client.get("/v1/articles/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "not_found"


def test_unknown_narration_is_404_problem(client: TestClient) -> None:
    assert client.get("/v1/narrations/does-not-exist").json()["code"] == "not_found"


def test_audio_before_any_narration_is_done_is_404(client: TestClient) -> None:
    article = client.post("/v1/articles", json={"text": "Body."}).json()
    response = client.get(f"/v1/articles/{article['id']}/audio.mp3", follow_redirects=False)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_known_external_id_in_a_feed_updates_instead_of_duplicating(client: TestClient) -> None:
    first = client.post("/v1/articles", json={"text": "One.", "feed": "news", "external_id": "x"}).json()
    response = client.post("/v1/articles", json={"text": "Two.", "feed": "news", "external_id": "x"})
    assert response.status_code == 202
    assert response.json()["id"] == first["id"]
    assert response.json()["latest_narration"]["version"] == 2


def test_the_same_external_id_in_another_feed_is_another_article(client: TestClient) -> None:
    first = client.post("/v1/articles", json={"text": "One.", "feed": "news", "external_id": "x"}).json()
    other = client.post("/v1/articles", json={"text": "One.", "feed": "sport", "external_id": "x"}).json()
    assert other["id"] != first["id"]


def test_a_broker_outage_still_accepts_the_article_and_the_dispatcher_sends_it_later(
    client: TestClient, queue: RecordingQueue, settings: Settings
) -> None:
    queue.broken = True
    response = client.post("/v1/articles", json={"text": "Body."})
    assert response.status_code == 202
    narration_id = response.headers["location"].rsplit("/", 1)[1]
    assert client.get(f"/v1/narrations/{narration_id}").json()["status"] == "queued"
    assert queue.enqueued == []
    queue.broken = False
    with session_scope(settings.database_url) as session:
        assert outbox.pending_for(session, narration_id)
        assert outbox.publish_pending(session, queue) == (1, 0)
    assert queue.enqueued == [narration_id]


def test_posting_again_an_article_whose_narration_failed_narrates_it_again(
    client: TestClient, queue: RecordingQueue, settings: Settings
) -> None:
    body = {"text": "Body.", "external_id": "again"}
    first = client.post("/v1/articles", json=body)
    narration_id = first.headers["location"].rsplit("/", 1)[1]
    with session_scope(settings.database_url) as session:
        records.fail_narration(session, narration_id, "synthesis_failed", "boom")
    again = client.post("/v1/articles", json=body)
    assert again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["location"] != first.headers["location"]
    assert queue.enqueued[-1] == again.headers["location"].rsplit("/", 1)[1]
    unchanged = client.post("/v1/articles", json=body)
    assert unchanged.status_code == 200  # the new narration did not fail: nothing to do
