"""Burst: 200 articles posted at once; how soon is the first audio done, and is every accepted one narrated?

Two set-ups, real processes, one after the other in this run:
- the embedded default (`narrator serve`: SQLite, the embedded broker, its own worker);
- Redis + PostgreSQL (`narrator serve --no-worker` and one `narrator worker`).

For each: time from the burst to the first finished narration and to the last,
accepted (202) vs narrated (done) counts (must be equal), failures, and the API
process's resident memory before and after. Finish times are read from the
narrations' own records (`finished_at`), so polling does not shape the result.

    .venv/bin/python bench/burst.py [--articles 200] [--only embedded|redis]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import psutil
from sqlalchemy import create_engine, func, select, text

from service.core import migrations
from service.core.db import session_scope
from service.core.models import Narration
from service.core.settings import Settings
from tests.processes import NARRATOR, free_port, redis_server, running, service_env

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SENTENCES = [
    "The council met on Tuesday evening to discuss the new bus timetable.",
    "Residents asked for later services on weekends and better lighting at the stops.",
    "The transport committee promised a decision before the end of the month.",
]


@dataclass
class Result:
    name: str
    accepted: int
    refused: int
    done: int
    failed: int
    first_s: float
    last_s: float
    rss_before_mb: float
    rss_after_mb: float


def _post_all(base: str, n: int) -> tuple[int, int, datetime]:
    """POST n short articles from 16 threads at once; (accepted, refused, when the burst began)."""
    began = datetime.now().astimezone()

    def post(i: int) -> int:
        body = {"title": f"Council news {i}", "text": f"Story {i}. " + " ".join(SENTENCES)}
        with httpx.Client(base_url=base, timeout=120) as client:
            return client.post("/v1/articles", json=body).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(post, range(n)))
    return sum(c == 202 for c in codes), sum(c != 202 for c in codes), began


def _finished(database_url: str) -> tuple[int, int]:
    with session_scope(database_url) as session:
        rows = session.execute(select(Narration.status, func.count()).group_by(Narration.status)).all()
    counts: dict[str, int] = {row[0]: row[1] for row in rows}
    return counts.get("done", 0), counts.get("failed", 0)


def _finish_times(database_url: str, began: datetime) -> list[float]:
    with session_scope(database_url) as session:
        times = session.scalars(select(Narration.finished_at).where(Narration.status == "done")).all()
    return sorted((t - began).total_seconds() for t in times if t is not None)


def _rss_mb(pid: int) -> float:
    """The API process's resident memory (its own, not the embedded worker child's)."""
    return psutil.Process(pid).memory_info().rss / 2**20


def _run(
    name: str, cmds: list[list[str]], env: dict[str, str], port: int, database_url: str, n: int, logs: Path
) -> Result:
    base = f"http://127.0.0.1:{port}"
    with running(cmds, env, port, logs) as procs:
        api_pid = procs[-1].pid
        rss_before = _rss_mb(api_pid)
        accepted, refused, began = _post_all(base, n)
        deadline = time.monotonic() + 60 * 60
        while time.monotonic() < deadline:
            done, failed = _finished(database_url)
            if done + failed >= accepted:
                break
            time.sleep(2)
        rss_after = _rss_mb(api_pid)
    times = _finish_times(database_url, began)
    return Result(
        name,
        accepted,
        refused,
        done,
        failed,
        times[0] if times else -1,
        times[-1] if times else -1,
        rss_before,
        rss_after,
    )


def embedded(tmp: Path, n: int) -> Result:
    port = free_port()
    env = service_env(tmp / "embedded")
    database_url = Settings(data_dir=tmp / "embedded").database_url
    return _run("embedded", [[NARRATOR, "serve", "--port", str(port)]], env, port, database_url, n, tmp / "logs-e")


def redis_postgres(tmp: Path, n: int) -> Result:
    name = f"narrator_burst_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database_url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrations.upgrade(database_url)  # as an operator does with `narrator migrate` before starting
    try:
        with redis_server(tmp) as redis_url:
            port = free_port()
            env = service_env(tmp / "redis", NARRATOR_BROKER_URL=redis_url, NARRATOR_DATABASE_URL=database_url)
            cmds = [[NARRATOR, "worker"], [NARRATOR, "serve", "--no-worker", "--port", str(port)]]
            return _run("redis+postgres", cmds, env, port, database_url, n, tmp / "logs-r")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--only", choices=["embedded", "redis"])
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="narrator-burst-") as tmp_dir:
        tmp = Path(os.environ.get("BURST_KEEP", tmp_dir))
        if args.only in (None, "embedded"):
            results.append(embedded(tmp, args.articles))
        if args.only in (None, "redis"):
            results.append(redis_postgres(tmp, args.articles))
    print(
        f"{'set-up':<16}{'accepted':>9}{'refused':>8}{'done':>6}{'failed':>7}{'first s':>9}{'last s':>8}"
        f"{'API RSS MB before/after':>26}"
    )
    ok = True
    for r in results:
        print(
            f"{r.name:<16}{r.accepted:>9}{r.refused:>8}{r.done:>6}{r.failed:>7}{r.first_s:>9.1f}{r.last_s:>8.1f}"
            f"{r.rss_before_mb:>15.0f} / {r.rss_after_mb:.0f}"
        )
        ok = ok and r.accepted == r.done + r.failed and r.failed == 0 and r.refused == 0
    print("every accepted article narrated" if ok else "NOT every accepted article was narrated")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
