"""First audio: how soon a listener hears a new article on the live stream, vs how long the narration takes.

Real processes (Redis, one worker, the API). Posts an article and opens
/v1/articles/{id}/live.mp3 at once; prints the time to the first MP3 bytes,
the time until the narration is done, the ratio (goal < 0.33), and the first
sentence's raw synthesis time measured on the same voice for reference.

    .venv/bin/python bench/first_audio.py
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from tests.processes import (
    NARRATOR,
    free_port,
    redis_server,
    running,
    service_env,
    wait_for_narration,
)

TEXT = "\n\n".join(
    f"Part {n}. The harbor master said the ferries would run on the winter timetable from Monday, "
    f"and that the new pier should open before the end of the month, weather permitting."
    for n in range(1, 13)
)
TITLE = "Harbor news"


def raw_first_sentence_s() -> float:
    """Raw Piper time for the first sentence the listener hears (the title), model already loaded."""
    from service.core.settings import Settings
    from service.core.voices import catalog_dirs, get_voice
    from workers.synthesis import load_engine

    settings = Settings()
    engine = load_engine(get_voice(catalog_dirs(settings), settings.default_voice))
    engine.synthesize("Warm up.")
    start = time.perf_counter()
    engine.synthesize(TITLE)
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        with redis_server(tmp) as redis_url:
            port = free_port()
            env = service_env(tmp / "data", NARRATOR_BROKER_URL=redis_url)
            cmds = [[NARRATOR, "worker"], [NARRATOR, "serve", "--no-worker", "--port", str(port)]]
            with running(cmds, env, port, tmp / "logs"):
                base = f"http://127.0.0.1:{port}"
                with httpx.Client(base_url=base, timeout=30) as client:
                    created = client.post("/v1/articles", json={"title": TITLE, "text": TEXT})
                    started = time.perf_counter()
                    first: list[float] = []

                    def listen() -> None:
                        with httpx.stream(
                            "GET", f"{base}/v1/articles/{created.json()['id']}/live.mp3", timeout=600
                        ) as r:
                            for chunk in r.iter_bytes():
                                if chunk and not first:
                                    first.append(time.perf_counter() - started)

                    listener = threading.Thread(target=listen)
                    listener.start()
                    narration = wait_for_narration(client, created.headers["location"])
                    total = time.perf_counter() - started
                    listener.join(timeout=60)
    raw = raw_first_sentence_s()
    ratio = first[0] / total
    print(f"narration: {total:.1f} s for {narration['duration_s']:.0f} s of audio")
    print(f"first live MP3 bytes after {first[0]:.2f} s; raw synthesis of the first sentence {raw:.2f} s")
    print(f"first bytes / narration time: {ratio:.3f} (goal < 0.33) -> {'met' if ratio < 0.33 else 'NOT met'}")
    print(f"first bytes / first sentence synthesis: {first[0] / raw:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
