"""Embedded broker throughput: no-op tasks through kombu's SQLAlchemy transport, one worker process.

    PYTHONPATH=. python bench/broker_throughput.py 200

Measured on the 2-core dev machine under load (2026-12-01): kombu's default
(1 s polling) 1.0 tasks/s; narrator's transport (20 ms, service/core/embedded_broker.py) 21.1 tasks/s.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

APP = """
import os
from service.core.queue import make_celery
from service.core.settings import Settings
app = make_celery(Settings(data_dir=os.environ["BENCH_DIR"]))
@app.task(name="bench.noop")
def noop(i):
    return i
"""


def main(n: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="narrator-broker-"))
    (work / "noop_app.py").write_text(APP)
    os.environ["BENCH_DIR"] = str(work)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(work), os.environ.get("PYTHONPATH", "")])
    sys.path.insert(0, str(work))
    from noop_app import app  # type: ignore[import-not-found]

    for i in range(n):
        app.send_task("bench.noop", args=[i], queue="narrator.now")
    engine = sa.create_engine(f"sqlite:///{work}/broker.db")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "noop_app",
            "worker",
            "-Q",
            "narrator.now",
            "-c",
            "1",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        cwd=work,
    )

    def left() -> int:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM kombu_message WHERE visible = 1")).scalar() or 0)

    while left() == n:
        time.sleep(0.01)
    start = time.monotonic()
    while left() > 0:
        time.sleep(0.05)
    elapsed = time.monotonic() - start
    print(f"{n} tasks in {elapsed:.1f} s: {n / elapsed:.1f} tasks/s")
    worker.terminate()
    worker.wait()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
