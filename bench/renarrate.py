"""Re-narration and scale-out, measured side by side on real processes (Redis, workers, API).

1. One worker: a long article (20 paragraphs) narrated from scratch, then the
   same article with one paragraph edited. Prints edit time / full time
   (goal <= 0.15): only the edited paragraph is synthesized again.
2. The same long article (fresh cache) on two workers vs one. Prints the
   speed-up (goal >= 1.6). Workers stand for machines: each is given one core
   of its own (`taskset` and NARRATOR_SYNTH_THREADS=1), so the measure is how
   well one article spreads over workers, not how a single worker shares this
   machine's cores. Two default workers on the same cores are printed too: one
   worker's onnxruntime already uses every core, so there they can only share.

    .venv/bin/python bench/renarrate.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.processes import (
    NARRATOR,
    free_port,
    redis_server,
    running,
    service_env,
    wait_for_narration,
)

PARAGRAPHS = [
    f"Item {n}. The council spent part of the evening on proposal number {n}, which would change how the town "
    f"pays for its roads, its parks and its libraries over the next ten years."
    for n in range(1, 21)
]


def narrate(base_url: str, paragraphs: list[str], article_id: str | None = None) -> tuple[str, float, dict]:
    """Post (or PUT) the article and time it until its narration is done."""
    import httpx

    body = {"title": "Council budget", "text": "\n\n".join(paragraphs)}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        start = time.perf_counter()
        response = (
            client.put(f"/v1/articles/{article_id}", json=body)
            if article_id
            else client.post("/v1/articles", json=body)
        )
        narration = wait_for_narration(client, response.headers["location"], timeout_s=1800)
        elapsed = time.perf_counter() - start
    assert narration["status"] == "done", narration
    return response.json()["id"], elapsed, narration


def wait_for_workers(broker_url: str, workers: int, timeout_s: float = 120) -> None:
    """Until `workers` workers answer a ping, then a moment for their processes to load the voice."""
    from service.core.queue import make_celery
    from service.core.settings import Settings

    app = make_celery(Settings(broker_url=broker_url))
    deadline = time.monotonic() + timeout_s
    while len(app.control.ping(timeout=1.0) or []) < workers:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{workers} workers did not answer in {timeout_s} s")
    time.sleep(3)


def service(workers: int, redis_url: str, tmp: Path, *, own_core: bool = False):  # type: ignore[no-untyped-def]
    """The API and `workers` worker processes; with `own_core`, worker n runs on core n alone with one thread."""
    port = free_port()
    env = service_env(tmp / "data", NARRATOR_BROKER_URL=redis_url)
    if own_core:
        env["NARRATOR_SYNTH_THREADS"] = "1"
    cmds = [
        (["taskset", "-c", str(n % (os.cpu_count() or 1))] if own_core else [])
        + [NARRATOR, "worker", "--concurrency", "1"]
        for n in range(workers)
    ]
    cmds.append([NARRATOR, "serve", "--no-worker", "--port", str(port)])
    return running(cmds, env, port, tmp / "logs"), f"http://127.0.0.1:{port}"


def full_narration_s(workers: int, redis_url: str, tmp: Path, *, own_core: bool) -> float:
    """Seconds to narrate the long article from a fresh cache."""
    ctx, base = service(workers, redis_url, tmp, own_core=own_core)
    with ctx:
        wait_for_workers(redis_url, workers)
        _, seconds, _ = narrate(base, PARAGRAPHS)
    return seconds


def main() -> int:
    print(f"cores: {os.cpu_count()}; article: {len(PARAGRAPHS)} paragraphs, {sum(map(len, PARAGRAPHS))} characters")
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        with redis_server(tmp) as redis_url:
            ctx, base = service(1, redis_url, tmp / "one")
            with ctx:
                wait_for_workers(redis_url, 1)
                article, full_s, first = narrate(base, PARAGRAPHS)
                edited = list(PARAGRAPHS)
                edited[9] = "Item 10. The council postponed proposal number 10 until the spring."
                _, edit_s, second = narrate(base, edited, article)
            print(
                f"one worker: full narration {full_s:.1f} s ({first['duration_s']:.0f} s of audio, "
                f"{first['segments']['synthesized']} segments synthesized)"
            )
            print(
                f"one worker: one-paragraph edit {edit_s:.1f} s ({second['segments']['synthesized']} synthesized, "
                f"{second['segments']['cached']} cached)"
            )
            ratio = edit_s / full_s
            print(f"edit / full: {ratio:.3f} (goal <= 0.15) -> {'met' if ratio <= 0.15 else 'NOT met'}")

            server = redis_url.rsplit("/", 1)[0]
            runs = {
                (n, own): full_narration_s(n, f"{server}/{db}", tmp / f"w{n}-{own}", own_core=own)
                for db, (n, own) in enumerate(((1, True), (2, True), (2, False)), start=1)
            }
            print(
                f"one worker on one core: full narration {runs[1, True]:.1f} s; "
                f"two workers, a core each: {runs[2, True]:.1f} s"
            )
            speedup = runs[1, True] / runs[2, True]
            print(
                f"speed-up two workers / one: {speedup:.2f} (goal >= 1.6) -> {'met' if speedup >= 1.6 else 'NOT met'}"
            )
            print(
                f"(two default workers sharing both cores: {runs[2, False]:.1f} s vs one default worker {full_s:.1f} s "
                f"= {full_s / runs[2, False]:.2f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
