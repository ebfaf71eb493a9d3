"""Ctrl-C stops `narrator serve` and its worker within two seconds, leaving no process behind.

The real embedded topology (SQLite records and broker, the worker as a child
process): SIGINT right after the service is ready, and in the middle of a
narration, whose cut-short segment must come back to the queue and finish at
the next start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
import pytest

from tests.processes import NARRATOR, START_TIMEOUT_S, free_port, service_env, wait_for_narration

pytestmark = [pytest.mark.e2e, pytest.mark.timing]

STOP_LIMIT_S = 2.0
# Four paragraphs, narrated one segment each: long enough to be cut short, short enough to finish soon.
ARTICLE = {
    "title": "The Ferry Timetable",
    "text": "\n\n".join(
        [
            "The harbor ferry now leaves every forty minutes, from the first light until late in the evening.",
            "On weekends the last crossing is an hour later, and the night boat stops at both islands.",
            "Tickets can be bought on board, but travellers with bicycles are asked to book a place ahead.",
            "The old timetable stays on the pier until the end of the month, beside the new one.",
        ]
    ),
}


@contextmanager
def serve(data_dir: Path, log: Path, *args: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`narrator serve ARGS` in a session of its own (its process group is its pid); killed if a test fails."""
    port = free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [NARRATOR, "serve", "--port", str(port), *args],
            env=service_env(data_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _ready(base):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"not ready in {START_TIMEOUT_S} s"
            time.sleep(0.2)
        yield proc, base
    finally:
        for pid in _alive(_family(proc.pid)):
            os.kill(pid, signal.SIGKILL)
        proc.wait()


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _family(pid: int) -> set[int]:
    """`pid`, its descendants and the members of its process group."""
    try:
        pids = {pid} | {child.pid for child in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        pids = set()
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == pid:
                pids.add(process.pid)
        except (ProcessLookupError, psutil.NoSuchProcess):
            pass
    return pids


def _alive(pids: set[int]) -> set[int]:
    """The processes among `pids` that still run (a zombie runs nothing; its parent has yet to reap it)."""
    running = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                running.add(pid)
        except psutil.NoSuchProcess:
            pass
    return running


def _interrupt(proc: subprocess.Popen[bytes]) -> tuple[float, set[int]]:
    """SIGINT to `narrator serve`, as Ctrl-C at a terminal; the seconds until every process was gone."""
    family = _family(proc.pid)
    assert any("worker" in psutil.Process(pid).cmdline() for pid in _alive(family)), "no worker process"
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    while _alive(family) and time.monotonic() - start < 10:
        proc.poll()  # reap narrator serve as soon as it ends
        time.sleep(0.02)
    elapsed = time.monotonic() - start
    proc.wait(timeout=5)
    return elapsed, family


def test_ctrl_c_right_after_start_stops_everything_within_two_seconds(tmp_path: Path) -> None:
    """`make run`'s command, interrupted while its worker starts and its demo posts the article."""
    log = tmp_path / "serve.log"
    with serve(tmp_path / "data", log, "--demo") as (proc, _base):
        elapsed, family = _interrupt(proc)
    assert not _alive(family), f"left running: {_alive(family)}"
    assert elapsed < STOP_LIMIT_S, f"stopped in {elapsed:.2f} s"
    assert proc.returncode == 130
    assert "Traceback" not in log.read_text()


def test_ctrl_c_during_a_narration_stops_within_two_seconds_and_the_narration_resumes(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with serve(tmp_path / "data", log) as (proc, base):
        with httpx.Client(base_url=base, timeout=30) as client:
            created = client.post("/v1/articles", json=ARTICLE)
            assert created.status_code == 202, created.text
            location = created.headers["location"]
            deadline = time.monotonic() + 300
            while (narration := client.get(location).json())["progress"] <= 0:
                assert narration["status"] in ("queued", "running"), narration
                assert time.monotonic() < deadline, "the worker never started the narration"
                time.sleep(0.2)
        assert narration["progress"] < 1, "the narration ended before it could be interrupted"
        elapsed, family = _interrupt(proc)
    assert not _alive(family), f"left running: {_alive(family)}"
    assert elapsed < STOP_LIMIT_S, f"stopped in {elapsed:.2f} s"
    assert "Traceback" not in log.read_text()

    with serve(tmp_path / "data", log) as (proc, base), httpx.Client(base_url=base, timeout=30) as client:
        finished = wait_for_narration(client, location, timeout_s=600)
        _interrupt(proc)
    assert finished["status"] == "done", finished["error"]
