"""A worker's memory does not grow with the speeds it is asked for.

Fifty `/v1/audio/speech` requests at fifty different speeds, against a real
`narrator worker` and `narrator serve` over Redis, with the real voice: the
worker loads the voice once and passes the speed to each synthesis, so its
resident memory after the fiftieth stays within 100 MB of what it was after
the first (it used to load one more ONNX session per speed, and keep it).
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import soundfile as sf

from tests.processes import NARRATOR, RunningService, free_port, running, service_env

pytestmark = pytest.mark.e2e

SPEEDS = [round(0.25 + i * 3.75 / 49, 4) for i in range(50)]  # 50 speeds from 0.25 to 4
TEXT = "Good morning."
MAX_GROWTH_MB = 100


def cpu_s(process: psutil.Process) -> float:
    """CPU seconds used so far by a process and its children."""
    total = 0.0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = member.cpu_times()
            total += times.user + times.system
    return total


def rss_mb(process: psutil.Process) -> float:
    """Resident memory of a process and its children (a Celery worker and its pool), in MB."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):  # a pool process being replaced
            total += member.memory_info().rss
    return total / 2**20


@pytest.fixture(scope="module")
def speech_service(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[tuple[RunningService, psutil.Process]]:
    """One `narrator worker` (one process in its pool) and the API with a speech client's key (`articles:write`).

    Yields the service and the worker.
    """
    tmp_path: Path = tmp_path_factory.mktemp("speed-memory")
    port = free_port()
    env = service_env(tmp_path / "data", NARRATOR_BROKER_URL=redis_url.rsplit("/", 1)[0] + "/2")
    cmds = [[NARRATOR, "worker", "--concurrency", "1"], [NARRATOR, "serve", "--no-worker", "--port", str(port)]]
    with running(cmds, env, port, tmp_path / "logs") as procs:
        service = RunningService(f"http://127.0.0.1:{port}", tmp_path / "data", env)
        yield service.with_key("articles:write", name="speech"), psutil.Process(procs[0].pid)


def test_fifty_speeds_keep_the_worker_within_100_mb(speech_service: tuple[RunningService, psutil.Process]) -> None:
    service, worker = speech_service
    seconds: dict[float, float] = {}
    with service.client(timeout_s=120) as client:

        def speak(speed: float) -> None:
            response = client.post(
                "/v1/audio/speech",
                json={"model": "tts-1", "voice": "alloy", "input": TEXT, "response_format": "wav", "speed": speed},
            )
            assert response.status_code == 200, response.text
            audio, rate = sf.read(io.BytesIO(response.content))
            seconds[speed] = len(audio) / rate

        speak(SPEEDS[0])
        after_first, cpu_first, started = rss_mb(worker), cpu_s(worker), time.monotonic()
        # A few requests in flight keep the worker busy while the API streams the previous answers.
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(speak, SPEEDS[1:]))
        after_last, cpu_last = rss_mb(worker), cpu_s(worker)
    print(
        f"\nworker RSS after the first request: {after_first:.0f} MB; after {len(SPEEDS)} speeds: "
        f"{after_last:.0f} MB ({after_last - after_first:+.0f} MB); the other {len(SPEEDS) - 1} requests took "
        f"{time.monotonic() - started:.0f} s, {cpu_last - cpu_first:.0f} s of the worker's CPU"
    )
    assert len(seconds) == len(SPEEDS)
    assert seconds[SPEEDS[0]] > 3 * seconds[SPEEDS[-1]]  # 0.25x is much longer than 4x: each speed was spoken
    assert after_last - after_first < MAX_GROWTH_MB
