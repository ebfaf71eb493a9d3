"""A listener's unsigned /media requests with the privacy memo and without it, side by side (goal: with the
memo, one database lookup per memo time instead of one per request, and less CPU per request).

Two apps in this process serve the same public file from the same database
(PostgreSQL, the production topology; `--sqlite` for the embedded one) and
local storage: one with `NARRATOR_MEDIA_PRIVACY_MEMO_S=0` (every unsigned
request asks the database whether the file is private), one with the default
memo (service/articles/privacy_memo.py). Both answer byte ranges of the file,
as a podcast app fetches it, in alternating batches so the load of a shared
machine falls on both alike. Printed per request: CPU seconds of this process
(the database server's own work is not in it: the wall time shows it), wall
time, and SQL statements sent; then the ratios memo / no memo.

    .venv/bin/python bench/media_privacy.py [--requests 2000] [--sqlite]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text

from service.api.app import create_app
from service.core import migrations
from service.core.db import engine_for, release_engine
from service.core.settings import Settings
from service.core.storage import storage_for

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BATCH = 100


@contextmanager
def database(sqlite: bool, tmp: Path) -> Iterator[str]:
    if sqlite:
        yield f"sqlite:///{tmp / 'narrator.db'}"
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"narrator_bench_{uuid.uuid4().hex[:8]}"
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        migrations.upgrade(url)
        yield url
    finally:
        release_engine(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="requests per app")
    parser.add_argument("--sqlite", action="store_true", help="the embedded SQLite database instead of PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, database(args.sqlite, Path(tmp)) as url:
        base = Settings(data_dir=Path(tmp), database_url=url)
        key = storage_for(base).put_bytes(bytes(range(256)) * 400, "mp3").key  # 100 kB: an episode's first ranges
        statements = 0

        def count(*_args: Any) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine_for(url), "before_cursor_execute", count)
        clients = {
            name: TestClient(create_app(base.model_copy(update={"media_privacy_memo_s": memo_s})))
            for name, memo_s in (("no memo", 0.0), ("memo", base.media_privacy_memo_s))
        }
        cpu = dict.fromkeys(clients, 0.0)
        wall = dict.fromkeys(clients, 0.0)
        sent = dict.fromkeys(clients, 0)
        for client in clients.values():
            client.__enter__()
            for start in range(0, 2000, 1000):  # warm: imports, pools, the memo's first lookup
                client.get(f"/media/{key}", headers={"range": f"bytes={start}-{start + 999}"})
        began = time.perf_counter()
        for batch in range(args.requests // BATCH):
            order = list(clients) if batch % 2 == 0 else list(reversed(clients))
            for name in order:
                before_statements, c0, w0 = statements, time.process_time(), time.perf_counter()
                for n in range(BATCH):
                    start = (n * 1000) % 100_000
                    response = clients[name].get(f"/media/{key}", headers={"range": f"bytes={start}-{start + 999}"})
                    assert response.status_code == 206, response.text
                cpu[name] += time.process_time() - c0
                wall[name] += time.perf_counter() - w0
                sent[name] += statements - before_statements
        elapsed = time.perf_counter() - began
        for client in clients.values():
            client.__exit__(None, None, None)
    n = (args.requests // BATCH) * BATCH
    print(f"{'sqlite' if args.sqlite else 'postgresql'}, {n} ranged requests per app, alternating batches of {BATCH}")
    for name in clients:
        print(
            f"{name:8}: {1e3 * cpu[name] / n:.3f} ms CPU, {1e3 * wall[name] / n:.3f} ms wall, "
            f"{sent[name] / n:.2f} SQL statements per request"
        )
    print(
        f"memo / no memo: CPU {cpu['memo'] / cpu['no memo']:.3f}, wall {wall['memo'] / wall['no memo']:.3f}; "
        f"statements {sent['memo']} (at most one per {base.media_privacy_memo_s:.0f} s of the {elapsed:.0f} s run) "
        f"vs {sent['no memo']}"
    )
    memo_periods = int(elapsed // base.media_privacy_memo_s) + 1  # each answer is looked up again after that
    met = sent["memo"] <= memo_periods and cpu["memo"] < cpu["no memo"]
    print("goal met" if met else "goal NOT met")


if __name__ == "__main__":
    main()
