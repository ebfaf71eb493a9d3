"""Webhooks end to end: Redis, a real `narrator worker`, the API, the real voice, receivers on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from service.core.settings import REPO_ROOT
from tests.processes import (
    NARRATOR,
    RunningService,
    free_port,
    running,
    service_env,
    wait_for_narration,
)

pytestmark = pytest.mark.e2e

WAIT_S = 300

GARBLED_VOICE = """
id = "garbled"
name = "Garbled"
engine = "piper"
language = "en-US"
license = "none"
sample_text = "Never heard."
[model]
path = "garbled.onnx"
"""


def voices_with_a_garbled_one(directory: Path) -> Path:
    """The shipped catalog plus a voice whose model file is not a model: its narrations fail in the worker."""
    directory.mkdir(parents=True, exist_ok=True)
    for voice_file in (REPO_ROOT / "voices").glob("*.toml"):
        shutil.copy(voice_file, directory / voice_file.name)
    (directory / "garbled.onnx").write_bytes(b"not an onnx model")
    (directory / "garbled.onnx.json").write_text("{}")
    (directory / "garbled.toml").write_text(GARBLED_VOICE)
    return directory


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str

    @property
    def event(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Webhook receivers on 127.0.0.1: each path answers its scripted statuses (the last one repeats)."""

    base_url: str
    scripts: dict[str, list[int]]
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base_url + path

    def wait_for(self, match: Callable[[Received], bool], timeout_s: float = WAIT_S) -> Received:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                found = [r for r in self.received if match(r)]
            if found:
                return found[0]
            time.sleep(0.2)
        raise TimeoutError("no matching webhook received")


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    state = Receiver(base_url="", scripts={"/ok": [200], "/flaky": [500, 200]})

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's name
            body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
            with state.lock:
                state.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                script = state.scripts.get(self.path, [404])
                status = script.pop(0) if len(script) > 1 else script[0]
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def hook_service(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[RunningService]:
    """A worker and the API on Redis, allowed to call 127.0.0.1, retrying after about a second."""
    tmp_path = tmp_path_factory.mktemp("webhook-service")
    port = free_port()
    env = service_env(
        tmp_path / "data",
        # Its own Redis database: no other module's workers take these tasks.
        NARRATOR_BROKER_URL=redis_url.rsplit("/", 1)[0] + "/2",
        NARRATOR_VOICES_DIR=str(voices_with_a_garbled_one(tmp_path / "voices")),
        NARRATOR_WEBHOOK_ALLOW_PRIVATE="true",
        NARRATOR_WEBHOOK_RETRY_BASE_S="1",
        NARRATOR_WEBHOOK_RETRY_MAX_S="2",
        NARRATOR_WEBHOOK_TIMEOUT_S="5",
    )
    cmds = [[NARRATOR, "worker"], [NARRATOR, "serve", "--no-worker", "--port", str(port)]]
    with running(cmds, env, port, tmp_path / "logs"):
        yield RunningService(f"http://127.0.0.1:{port}", tmp_path / "data", env)


@dataclass
class Scenario:
    ok: dict  # the endpoint on /ok as created (with its secret)
    flaky: dict  # the endpoint on /flaky: 500 first, then 200; completed events only
    done: dict  # the narration of a short article
    failed: dict  # the narration of an article in a voice whose model is missing


@pytest.fixture(scope="module")
def scenario(hook_service: RunningService, receiver: Receiver) -> Scenario:
    """Register both endpoints, then narrate one article that succeeds and one that fails."""
    with hook_service.client() as client:
        ok = client.post("/v1/webhooks", json={"url": receiver.url("/ok"), "description": "e2e"})
        flaky = client.post(
            "/v1/webhooks", json={"url": receiver.url("/flaky"), "event_types": ["narration.completed"]}
        )
        assert ok.status_code == flaky.status_code == 201, (ok.text, flaky.text)
        posted = client.post(
            "/v1/articles", json={"text": "Webhooks announce every finished narration.", "external_id": "hook-1"}
        )
        broken = client.post("/v1/articles", json={"text": "This voice cannot speak.", "voice": "garbled"})
        assert posted.status_code == broken.status_code == 202, (posted.text, broken.text)
        done = wait_for_narration(client, posted.headers["location"])
        failed = wait_for_narration(client, broken.headers["location"])
    return Scenario(ok.json(), flaky.json(), done, failed)


def deliveries_when_over(service: RunningService, endpoint_id: str, count: int) -> list[dict]:
    """The endpoint's delivery log once `count` deliveries have finished (succeeded or failed)."""
    deadline = time.monotonic() + WAIT_S
    with service.client() as client:
        while time.monotonic() < deadline:
            log = client.get(f"/v1/webhooks/{endpoint_id}/deliveries").json()
            if len(log) >= count and all(d["status"] != "pending" for d in log):
                return log
            time.sleep(0.3)
    raise TimeoutError(f"deliveries of {endpoint_id} not over in {WAIT_S} s")


def test_a_completed_narration_is_delivered_with_a_valid_signature(scenario: Scenario, receiver: Receiver) -> None:
    assert scenario.done["status"] == "done", scenario.done["error"]
    got = receiver.wait_for(lambda r: r.path == "/ok" and r.event["data"]["id"] == scenario.done["id"])
    event = Webhook(scenario.ok["secret"]).verify(got.body, got.headers)
    assert event["type"] == "narration.completed"
    assert event["data"]["status"] == "done" and event["data"]["external_id"] == "hook-1"
    assert event["data"]["audio_url"] == scenario.done["audio_url"]
    assert event["data"]["article_id"] == scenario.done["article_id"]


def test_a_failed_narration_is_delivered_as_narration_failed(scenario: Scenario, receiver: Receiver) -> None:
    assert scenario.failed["status"] == "failed"
    got = receiver.wait_for(lambda r: r.path == "/ok" and r.event["data"]["id"] == scenario.failed["id"])
    event = Webhook(scenario.ok["secret"]).verify(got.body, got.headers)
    assert event["type"] == "narration.failed"
    assert event["data"]["error"]["code"] == scenario.failed["error"]["code"]


def test_a_500_then_200_shows_two_attempts_in_the_delivery_log(
    scenario: Scenario, hook_service: RunningService
) -> None:
    [delivery] = deliveries_when_over(hook_service, scenario.flaky["id"], 1)
    assert delivery["event_type"] == "narration.completed"  # the failed narration is not for this endpoint
    assert delivery["status"] == "succeeded"
    assert [(a["number"], a["status_code"], a["outcome"]) for a in delivery["attempts"]] == [
        (1, 500, "retryable"),
        (2, 200, "succeeded"),
    ]
    first, second = delivery["attempts"]
    assert second["at"] > first["at"] and first["duration_ms"] >= 0


def test_the_flaky_receiver_got_the_same_signed_message_twice(scenario: Scenario, receiver: Receiver) -> None:
    receiver.wait_for(lambda r: r.path == "/flaky" and r.event["data"]["id"] == scenario.done["id"])
    deadline = time.monotonic() + WAIT_S
    while len(flaky := [r for r in receiver.received if r.path == "/flaky"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    first, second = flaky[:2]
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    Webhook(scenario.flaky["secret"]).verify(second.body, second.headers)


def test_a_resent_delivery_reaches_the_receiver_again_through_the_worker(
    scenario: Scenario, hook_service: RunningService, receiver: Receiver
) -> None:
    delivered = deliveries_when_over(hook_service, scenario.ok["id"], 2)
    delivery = next(d for d in delivered if d["payload"]["data"]["id"] == scenario.done["id"])
    before = len([r for r in receiver.received if r.path == "/ok" and r.headers["webhook-id"] == delivery["event_id"]])
    with hook_service.client() as client:
        resent = client.post(f"/v1/webhooks/{scenario.ok['id']}/deliveries/{delivery['id']}/resend")
        assert (resent.status_code, resent.json()["status"]) == (202, "pending"), resent.text
    [after] = [d for d in deliveries_when_over(hook_service, scenario.ok["id"], 2) if d["id"] == delivery["id"]]
    assert after["status"] == "succeeded"
    assert [(a["number"], a["status_code"]) for a in after["attempts"]] == [(1, 200), (2, 200)]
    again = [r for r in receiver.received if r.path == "/ok" and r.headers["webhook-id"] == delivery["event_id"]]
    assert len(again) == before + 1
    Webhook(scenario.ok["secret"]).verify(again[-1].body, again[-1].headers)
