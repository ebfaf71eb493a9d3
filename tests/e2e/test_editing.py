"""Editors end to end: two real workers on Redis re-narrate only the edited paragraph."""

from __future__ import annotations

import time

import pytest

from tests.processes import RunningService, wait_for_narration

pytestmark = pytest.mark.e2e

PARAGRAPHS = [f"Paragraph {n}: the council discussed item {n} of the agenda and moved on." for n in range(1, 21)]


def _body(paragraphs: list[str]) -> dict:
    return {"title": "Council meeting", "text": "\n\n".join(paragraphs), "external_id": "council-1"}


@pytest.fixture(scope="module")
def first(two_worker_service: RunningService) -> dict:
    with two_worker_service.client() as client, two_worker_service.listener() as listener:
        created = client.post("/v1/articles", json=_body(PARAGRAPHS))
        narration = wait_for_narration(client, created.headers["location"])
        redirect = listener.get(f"/v1/articles/{created.json()['id']}/audio.mp3", follow_redirects=False)
    return {"article": created.json()["id"], "narration": narration, "audio": redirect.headers["location"]}


def test_a_twenty_paragraph_article_is_narrated_from_twenty_one_segments(first: dict) -> None:
    narration = first["narration"]
    assert narration["status"] == "done", narration["error"]
    assert narration["segments"] == {"total": 21, "cached": 0, "synthesized": 21}


def test_an_unchanged_put_is_200_without_a_narration(two_worker_service: RunningService, first: dict) -> None:
    with two_worker_service.client() as client:
        response = client.put(f"/v1/articles/{first['article']}", json=_body(PARAGRAPHS))
    assert response.status_code == 200
    assert response.json()["latest_narration"]["id"] == first["narration"]["id"]


def test_editing_one_paragraph_synthesizes_one_segment_and_serves_the_old_audio_meanwhile(
    two_worker_service: RunningService, first: dict
) -> None:
    edited = list(PARAGRAPHS)
    edited[6] = "Paragraph 7: the council postponed item 7 until next month."
    audio_url = f"/v1/articles/{first['article']}/audio.mp3"
    with two_worker_service.client() as client, two_worker_service.listener() as listener:
        response = client.put(f"/v1/articles/{first['article']}", json=_body(edited))
        assert response.status_code == 202
        location = response.headers["location"]
        served_meanwhile = set()
        while True:
            served = listener.get(audio_url, follow_redirects=False).headers["location"]
            if client.get(location).json()["status"] in ("done", "failed"):
                break
            served_meanwhile.add(served)  # served while the new narration was still running
            time.sleep(0.1)
        narration = client.get(location).json()
        new_audio = listener.get(audio_url, follow_redirects=False).headers["location"]
        old_still_there = listener.head(first["audio"]).status_code
    assert narration["status"] == "done", narration["error"]
    assert narration["segments"] == {"total": 21, "cached": 20, "synthesized": 1}
    assert served_meanwhile <= {first["audio"]}
    assert new_audio != first["audio"]
    assert old_still_there == 200


def test_posting_the_same_external_id_again_updates_the_same_article(
    two_worker_service: RunningService, first: dict
) -> None:
    with two_worker_service.client() as client:
        response = client.post("/v1/articles", json=_body(PARAGRAPHS))
        history = client.get(f"/v1/articles/{first['article']}/narrations").json()
    assert response.json()["id"] == first["article"]
    assert len(history) >= 2
