from fastapi.testclient import TestClient

from tests.api.conftest import RecordingQueue


def test_voices_lists_the_shipped_default_voice(client: TestClient) -> None:
    voices = client.get("/v1/voices").json()
    joe = next(v for v in voices if v["id"] == "en_US-joe-medium")
    assert joe["engine"] == "piper" and joe["default"] is True


def test_healthz_answers_ok(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_is_ready_when_database_broker_and_storage_answer(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}


def test_readyz_is_503_and_names_the_broker_when_it_is_down(client: TestClient, queue: RecordingQueue) -> None:
    queue.broken = True
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")
