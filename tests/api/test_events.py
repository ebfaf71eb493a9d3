"""GET /v1/narrations/{id}/events streams progress and the final state as Server-Sent Events."""

from __future__ import annotations

import json
import threading
import time

from fastapi.testclient import TestClient

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings


def _events(text: str) -> list[tuple[str, dict]]:
    parsed = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "event" in fields:
            parsed.append((fields["event"], json.loads(fields["data"])))
    return parsed


def test_events_stream_progress_then_done_and_end(client: TestClient, settings: Settings) -> None:
    location = client.post("/v1/articles", json={"text": "Body."}).headers["location"]
    narration_id = location.rsplit("/", 1)[1]

    def worker() -> None:  # what a worker does to the record, in steps
        time.sleep(0.3)
        with session_scope(settings.database_url) as session:
            records.start_narration(session, narration_id)
        time.sleep(0.6)
        with session_scope(settings.database_url) as session:
            records.set_progress(session, narration_id, 0.5)
        time.sleep(0.6)
        with session_scope(settings.database_url) as session:
            records.finish_narration(session, narration_id, records.FinishedAudio("a" * 64, "a" * 64 + ".mp3", 1, 1.0))

    threading.Thread(target=worker).start()
    with client.stream("GET", f"{location}/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    events = _events(body)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "progress" and kinds[-1] == "done"
    assert kinds.count("done") == 1
    progress = [data["progress"] for kind, data in events if kind == "progress"]
    assert progress == sorted(progress) and 0.5 in progress
    assert events[-1][1]["status"] == "done"


def test_events_of_a_finished_narration_end_at_once(client: TestClient, settings: Settings) -> None:
    location = client.post("/v1/articles", json={"text": "Body."}).headers["location"]
    with session_scope(settings.database_url) as session:
        records.fail_narration(session, location.rsplit("/", 1)[1], "synthesis_failed", "boom")
    events = _events(client.get(f"{location}/events").text)
    assert [kind for kind, _ in events] == ["failed"]
    assert events[0][1]["error"]["code"] == "synthesis_failed"


def test_events_of_an_unknown_narration_are_404(client: TestClient) -> None:
    response = client.get("/v1/narrations/nope/events")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
