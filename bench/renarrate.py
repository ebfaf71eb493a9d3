"""Re-narration and scale-out, measured side by side on real processes (Redis, workers, API).

1. One worker: a long article (20 paragraphs) narrated from scratch, then the
   same article with one paragraph edited. Prints edit time / full time
   (goal <= 0.15): only the edited paragraph is synthesized again.
2. The same long article (fresh cache) on two workers vs one. Prints the
   speed-up (goal >= 1.6). On a machine with fewer free cores than workers the
   speed-up is bounded by the cores, not by narrator: the core count is printed.

    .venv/bin/python bench/renarrate.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.processes import NARRATOR, free_port, redis_server, running, service_env, wait_for_narration  # noqa: E402

PARAGRAPHS = [
    f"Item {n}. The council spent part of the evening on proposal number {n}, which would change how the town "
    f"pays for its roads, its parks and its libraries over the next ten years." for n in range(1, 21)
]


def narrate(base_url: str, paragraphs: list[str], article_id: str | None = None) -> tuple[str, float, dict]:
    """Post (or PUT) the article and time it until its narration is done."""
    import httpx

    body = {"title": "Council budget", "text": "\n\n".join(paragraphs)}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        start = time.perf_counter()
        response = client.put(f"/v1/articles/{article_id}", json=body) if article_id else client.post("/v1/articles", json=body)
        narration = wait_for_narration(client, response.headers["location"], timeout_s=1800)
        elapsed = time.perf_counter() - start
    assert narration["status"] == "done", narration
    return response.json()["id"], elapsed, narration


def service(workers: int, redis_url: str, tmp: Path):  # type: ignore[no-untyped-def]
    port = free_port()
    env = service_env(tmp / "data", NARRATOR_BROKER_URL=redis_url)
    cmds = [[NARRATOR, "worker", "--concurrency", "1"] for _ in range(workers)]
    cmds.append([NARRATOR, "serve", "--no-worker", "--port", str(port)])
    return running(cmds, env, port, tmp / "logs"), f"http://127.0.0.1:{port}"


def main() -> int:
    print(f"cores: {os.cpu_count()}; article: {len(PARAGRAPHS)} paragraphs, {sum(map(len, PARAGRAPHS))} characters")
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        with redis_server(tmp) as redis_url:
            ctx, base = service(1, redis_url, tmp / "one")
            with ctx:
                article, full_s, first = narrate(base, PARAGRAPHS)
                edited = list(PARAGRAPHS)
                edited[9] = "Item 10. The council postponed proposal number 10 until the spring."
                _, edit_s, second = narrate(base, edited, article)
            print(f"one worker: full narration {full_s:.1f} s ({first['duration_s']:.0f} s of audio, "
                  f"{first['segments']['synthesized']} segments synthesized)")
            print(f"one worker: one-paragraph edit {edit_s:.1f} s ({second['segments']['synthesized']} synthesized, "
                  f"{second['segments']['cached']} cached)")
            ratio = edit_s / full_s
            print(f"edit / full: {ratio:.3f} (goal <= 0.15) -> {'met' if ratio <= 0.15 else 'NOT met'}")

            ctx, base = service(2, redis_url.rsplit("/", 1)[0] + "/1", tmp / "two")
            with ctx:
                _, two_s, _ = narrate(base, PARAGRAPHS)
            speedup = full_s / two_s
            print(f"two workers: full narration {two_s:.1f} s")
            print(f"speed-up two workers / one: {speedup:.2f} (goal >= 1.6) -> {'met' if speedup >= 1.6 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
