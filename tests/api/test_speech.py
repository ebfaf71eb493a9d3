"""POST /v1/audio/speech request handling (synthesis itself is tested end to end)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import RecordingQueue


def test_a_format_openai_does_not_have_is_422(client: TestClient) -> None:
    response = client.post(
        "/v1/audio/speech", json={"model": "tts-1", "input": "Hi.", "voice": "alloy", "response_format": "vorbis"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


def test_empty_input_is_422(client: TestClient) -> None:
    response = client.post("/v1/audio/speech", json={"model": "tts-1", "input": "  ", "voice": "alloy"})
    assert response.json()["code"] == "empty_text"


def test_an_unknown_voice_is_422(client: TestClient) -> None:
    response = client.post("/v1/audio/speech", json={"model": "tts-1", "input": "Hi.", "voice": "nobody"})
    assert response.json()["code"] == "unknown_voice"


def test_a_speed_out_of_range_is_422(client: TestClient) -> None:
    response = client.post("/v1/audio/speech", json={"model": "tts-1", "input": "Hi.", "voice": "alloy", "speed": 9})
    assert response.json()["code"] == "validation_failed"


def test_a_broker_outage_is_503(client: TestClient, queue: RecordingQueue) -> None:
    queue.broken = True
    response = client.post("/v1/audio/speech", json={"model": "tts-1", "input": "Hello there.", "voice": "alloy"})
    assert response.status_code == 503
    assert response.json()["code"] == "queue_unavailable"
