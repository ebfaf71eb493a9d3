"""Real processes for end-to-end tests and benchmarks: redis-server, `narrator worker`, `narrator serve`.

A service runs as a deployment does: `create_key` makes an API key with `narrator keys create` (from then on
every non-public route needs one), editors' and CMS clients send it, listeners send none.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

NARRATOR = str(Path(sys.executable).with_name("narrator"))
START_TIMEOUT_S = 60
# What a CMS that publishes articles needs: post and update them, follow their narrations.
CMS_SCOPES = ("articles:read", "articles:write")


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


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A private redis-server on a free port; yields its URL."""
    import redis

    port = free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_until(redis.Redis(host="127.0.0.1", port=port).ping, 10, "redis-server", proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(proc)


def create_key(env: dict[str, str], scopes: tuple[str, ...], name: str = "e2e", project: str = "default") -> str:
    """A new API key, made as an operator makes one: `narrator keys create`, which prints it on its last line."""
    created = subprocess.run(
        [NARRATOR, "keys", "create", "--project", project, "--name", name, "--scopes", ",".join(scopes)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if created.returncode != 0:
        raise RuntimeError(f"narrator keys create failed: {created.stderr}")
    return created.stdout.strip().splitlines()[-1]


def bearer(key: str) -> dict[str, str]:
    """The header an API client sends its key in."""
    return {"Authorization": f"Bearer {key}"}


@dataclass(frozen=True)
class RunningService:
    """A running API (and workers) reachable at `base_url`; `key` is the one its API clients send.

    `key` None: no key exists, the service is the open embedded default.
    """

    base_url: str
    data_dir: Path
    env: dict[str, str]
    key: str | None = None

    def client(self, timeout_s: float = 30) -> httpx.Client:
        """An API client (a CMS, an editor's script): sends the service's key."""
        headers = bearer(self.key) if self.key else {}
        return httpx.Client(base_url=self.base_url, timeout=timeout_s, headers=headers)

    def listener(self) -> httpx.Client:
        """A listener's client (a podcast app, a browser): sends no key; what it reads must be public."""
        return httpx.Client(base_url=self.base_url, timeout=30)

    def with_key(self, *scopes: str, name: str = "e2e") -> RunningService:
        """The same service once a key with `scopes` exists (its clients send that key)."""
        keyed = replace(self, key=create_key(self.env, scopes, name))
        with keyed.listener() as anonymous:
            # From the first key on, the API is closed to callers without one.
            assert anonymous.get("/v1/articles").status_code == 401
        return keyed


@contextmanager
def running(
    cmds: list[list[str]], env: dict[str, str] | list[dict[str, str]], api_port: int, logs: Path
) -> Iterator[list[subprocess.Popen]]:
    """Start processes (the last one serves the API on `api_port`), yield them, and stop them all afterwards.

    `env` is every process's environment, or a list with one for each.
    """
    procs: list[subprocess.Popen] = []
    envs = env if isinstance(env, list) else [env] * len(cmds)
    logs.mkdir(parents=True, exist_ok=True)
    try:
        for i, cmd in enumerate(cmds):
            with (logs / f"proc{i}.log").open("wb") as log:  # the child keeps its own copy of the descriptor
                procs.append(subprocess.Popen(cmd, env=envs[i], stdout=log, stderr=subprocess.STDOUT, cwd=logs))
        _wait_until(
            lambda: httpx.get(f"http://127.0.0.1:{api_port}/readyz", timeout=2).status_code == 200,
            START_TIMEOUT_S,
            "narrator API",
            procs[-1],
        )
        yield procs
    finally:
        for proc in reversed(procs):
            _stop(proc)


def service_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATOR_")}
    env["NARRATOR_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def wait_for_narration(client: httpx.Client, location: str, timeout_s: float = 600) -> dict:
    """Poll a narration until it is done or failed; returns its final JSON and the statuses seen."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        narration = client.get(location).json()
        if narration["status"] in ("done", "failed"):
            return narration
        time.sleep(0.5)
    raise TimeoutError(f"{location} not finished in {timeout_s} s")
