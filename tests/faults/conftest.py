"""Fault injection with real processes: Redis + PostgreSQL, two `narrator worker`s, the API.

Each test gets its own redis-server (stopped and restarted on the same port),
its own PostgreSQL database on the local server (never the server itself
restarted), and workers in their own process groups so a test can `kill -9`
a whole worker: its Celery main process, its pool and its maintenance loop.
Settings are the defaults but one: the reconciler's window is shortened through the variables an
operator sets (`NARRATOR_STALL_AFTER_S`, `NARRATOR_RECONCILE_INTERVAL_S`), so the same code re-dispatches
a killed worker's work after 20 + 3 s instead of production's 90 + 15 s: 70 to 80 s less waiting per fault
(test_production_window.py holds the defaults to what docs/architecture.md says).
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from service.core import migrations
from tests.faults.postgres_server import PostgresServer, pg_bin
from tests.processes import NARRATOR, _wait_until, free_port, service_env
from tests.unit.test_migrations import new_postgres  # noqa: F401 - fixture

STALL_AFTER_S = 20.0  # production: 90
RECONCILE_INTERVAL_S = 3.0  # production: 15


class Redis:
    """A redis-server that can be stopped and started again on the same port (no persistence)."""

    def __init__(self, workdir: Path) -> None:
        self.port, self.workdir, self.proc = free_port(), workdir, None  # type: ignore[var-annotated]
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
        )
        _wait_until(redis.Redis(host="127.0.0.1", port=self.port).ping, 10, "redis-server", self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


@dataclass
class Cluster:
    """The API and workers, each in its own process group."""

    env: dict[str, str]
    logs: Path
    api_port: int
    redis: Redis
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("ab") as log:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen(
                [NARRATOR, *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.logs,
                start_new_session=True,
            )
        self.procs[name] = proc
        return proc

    def start_worker(self, name: str) -> None:
        self.start(name, "worker", "--concurrency", "1")

    def kill(self, name: str) -> None:
        """kill -9 the whole worker: every process of its group at once."""
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait()

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=f"http://127.0.0.1:{self.api_port}", timeout=30)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def cluster(tmp_path: Path, new_postgres: Callable[[], str]) -> Iterator[Cluster]:  # noqa: F811
    """Redis, two workers and the API on a fresh database of the machine's PostgreSQL server."""
    yield from _cluster(tmp_path, new_postgres())


@pytest.fixture
def private_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the test's own, which it may stop and start."""
    bin_dir = pg_bin()
    if bin_dir is None:
        pytest.skip("needs PostgreSQL's server programs (initdb, pg_ctl) under /usr/lib/postgresql")
    server = PostgresServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def cluster_on_private_postgres(tmp_path: Path, private_postgres: PostgresServer) -> Iterator[Cluster]:
    """The same cluster, its database on a server the test may restart."""
    yield from _cluster(tmp_path, private_postgres.url)


def _cluster(tmp_path: Path, database: str) -> Iterator[Cluster]:
    migrations.upgrade(database)
    redis = Redis(tmp_path)
    redis.start()
    logs = tmp_path / "logs"
    logs.mkdir()
    env = service_env(
        tmp_path / "data",
        NARRATOR_BROKER_URL=redis.url,
        NARRATOR_DATABASE_URL=database,
        NARRATOR_SYNTH_THREADS="1",
        NARRATOR_STALL_AFTER_S=str(STALL_AFTER_S),
        NARRATOR_RECONCILE_INTERVAL_S=str(RECONCILE_INTERVAL_S),
    )
    cluster = Cluster(env, logs, free_port(), redis)
    try:
        cluster.start_worker("worker1")
        cluster.start_worker("worker2")
        cluster.start("api", "serve", "--no-worker", "--port", str(cluster.api_port))
        _wait_until(
            lambda: httpx.get(f"http://127.0.0.1:{cluster.api_port}/readyz", timeout=2).status_code == 200,
            90,
            "narrator API",
        )
        yield cluster
    finally:
        cluster.stop_all()
        redis.stop()
