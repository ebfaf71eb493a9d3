"""Resident memory of a real worker and a real API while they narrate twenty articles.

Starts a private redis-server, runs `narrator migrate`, then starts one
`narrator worker --concurrency 1` and `narrator serve --no-worker` (the
production topology, tests/processes.py: a start at the newest revision never
imports Alembic, so neither process keeps it for a migration the other raced it to),
posts twenty different articles one after another (the ten of
bench/corpus/intelligibility, then each again with a numbered title and
paragraphs, so no segment comes from the cache), and samples every process
with psutil twice a second: the worker's main process, its pool process (the
one that loads the voice and narrates), its maintenance child, and the API.
Prints resident memory (RSS) and proportional set size (PSS: pages shared
between the forked processes counted once in all) after the first and the
twentieth narration, and the peaks. Goals (issue 17): after the twentieth
narration, every worker process under 400 MB and the API under 150 MB,
resident. The pool process's peak, printed beside them, is the longest
sentence's activations while it is synthesized (bench/piper_memory.py); the
arena gives them back once the task is done.

    .venv/bin/python bench/memory.py [--articles N]
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import psutil

from tests.processes import NARRATOR, free_port, redis_server, running, service_env, wait_for_narration

CORPUS = Path(__file__).resolve().parent / "corpus" / "intelligibility"
WORKER_GOAL_MB, API_GOAL_MB = 400, 150
MB = 2**20


@dataclass
class Watched:
    """One process's memory as sampled: the last RSS and PSS, and the highest RSS."""

    name: str
    process: psutil.Process
    rss: float = 0.0
    pss: float = 0.0
    peak_rss: float = 0.0

    def sample(self) -> None:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            info = self.process.memory_full_info()
            self.rss, self.pss = info.rss / MB, info.pss / MB
            self.peak_rss = max(self.peak_rss, self.rss)


def articles(count: int) -> list[dict[str, str]]:
    """`count` different articles: the corpus, then the corpus again with numbered titles and paragraphs."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")) if ".spoken" not in p.suffixes]
    out = []
    for n in range(count):
        title, *paragraphs = texts[n % len(texts)].strip().split("\n\n")
        if n >= len(texts):
            title, paragraphs = f"Update {n}: {title}", [f"Update {n}. {p}" for p in paragraphs]
        out.append({"title": title, "text": "\n\n".join(paragraphs), "external_id": f"memory-{n}"})
    return out


def role(process: psutil.Process, worker: psutil.Process) -> str:
    """What a process of the worker's tree is: its main process, the maintenance child, or a pool process."""
    if process.pid == worker.pid:
        return "worker main"
    with contextlib.suppress(psutil.NoSuchProcess):
        if "workers.maintenance" in " ".join(process.cmdline()):
            return "worker maintenance"
    return "worker pool"


def report(label: str, processes: list[Watched]) -> None:
    print(f"{label}: " + ", ".join(f"{w.name} RSS {w.rss:.0f} MB (PSS {w.pss:.0f})" for w in processes), flush=True)


class Sampler:
    """Samples the API and every process of the worker's tree (pool processes come and go) twice a second."""

    def __init__(self, worker: psutil.Process, api: psutil.Process) -> None:
        self.worker, self.api = worker, api
        self.watched: dict[int, Watched] = {}
        self.stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> list[Watched]:
        """Sample now; the processes alive, the worker's first."""
        alive = []
        with contextlib.suppress(psutil.NoSuchProcess):
            for process in [self.worker, *self.worker.children(recursive=True), self.api]:
                name = "API" if process.pid == self.api.pid else role(process, self.worker)
                watched = self.watched.setdefault(process.pid, Watched(name, process))
                watched.sample()
                alive.append(watched)
        return alive

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            self.sample()

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self._thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, redis_server(Path(tmp)) as redis_url:
        port = free_port()
        env = service_env(Path(tmp) / "data", NARRATOR_BROKER_URL=redis_url)
        subprocess.run([NARRATOR, "migrate"], env=env, check=True, capture_output=True)
        cmds = [[NARRATOR, "worker", "--concurrency", "1"], [NARRATOR, "serve", "--no-worker", "--port", str(port)]]
        with running(cmds, env, port, Path(tmp) / "logs") as procs:
            worker, api = psutil.Process(procs[0].pid), psutil.Process(procs[1].pid)
            with (
                Sampler(worker, api) as sampler,
                httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client,
            ):
                report("idle", sampler.sample())
                started = time.monotonic()
                for n, article in enumerate(articles(args.articles), 1):
                    created = client.post("/v1/articles", json=article)
                    created.raise_for_status()
                    narration = wait_for_narration(client, created.headers["location"])
                    assert narration["status"] == "done", narration
                    client.get(f"/v1/articles/{created.json()['id']}").raise_for_status()
                    if n in (1, args.articles):
                        last = sampler.sample()
                        report(f"after narration {n}", last)
            peaks = list(sampler.watched.values())
    print(f"{args.articles} narrations in {time.monotonic() - started:.0f} s")
    print("peak RSS: " + ", ".join(f"{w.name} {w.peak_rss:.0f} MB" for w in peaks))
    worker = max(w.rss for w in last if w.name.startswith("worker"))
    api = max(w.rss for w in last if w.name == "API")
    print(
        f"after narration {args.articles}: largest worker process {worker:.0f} MB (goal < {WORKER_GOAL_MB}) -> "
        f"{'met' if worker < WORKER_GOAL_MB else 'NOT met'}; "
        f"API {api:.0f} MB (goal < {API_GOAL_MB}) -> {'met' if api < API_GOAL_MB else 'NOT met'}"
    )
    worker_peak = max(w.peak_rss for w in peaks if w.name.startswith("worker"))
    api_peak = max(w.peak_rss for w in peaks if w.name == "API")
    print(f"peaks: largest worker process {worker_peak:.0f} MB (within the longest sentence), API {api_peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
