"""`narrator serve --demo`: post the shipped demo article, show its progress, say where to listen."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

DEMO_ARTICLE = Path(__file__).resolve().parents[2] / "service" / "demo" / "article.md"
POLL_S = 0.5
STEP = 10  # print progress every 10 %


def say(message: str) -> None:
    print(f"narrator demo: {message}", file=sys.stderr, flush=True)


def run_demo(base: str, stop: threading.Event) -> None:
    """Follow the demo narration until done, failed, or `stop` (the server is shutting down)."""
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)  # no line per poll
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            _follow(client, base, stop)
    except httpx.HTTPError as exc:
        if not stop.is_set():
            say(f"lost the API ({exc})")


def _follow(client: Any, base: str, stop: threading.Event) -> None:
    import httpx

    while not stop.is_set():
        try:
            if client.get("/healthz").status_code == 200:
                break
        except httpx.TransportError:
            stop.wait(0.1)
    created = client.post("/v1/articles", json={"markdown": DEMO_ARTICLE.read_text(encoding="utf-8")})
    if created.status_code != 202:
        say(f"could not post the demo article: {created.status_code} {created.text}")
        return
    article_id = created.json()["id"]
    location = created.headers["location"]
    say(f"article {base}/v1/articles/{article_id} queued (status: {base}{location})")
    started, shown = time.monotonic(), -1
    while not stop.wait(POLL_S):
        status = client.get(location).json()
        if status["status"] == "running":
            percent = int(status["progress"] * 100)
            if percent // STEP > shown // STEP or shown < 0:
                say(f"narrating: {percent} %")
                shown = percent
        elif status["status"] == "done":
            say(f"done, {status['duration_s']:.1f} s of audio: {base}/v1/articles/{article_id}/audio.mp3")
            say(
                f"narrated in {time.monotonic() - started:.0f} s; listen in the player: {base}/player/{article_id}"
                " (Ctrl-C stops the service)"
            )
            return
        elif status["status"] == "failed":
            error = status.get("error") or {}
            say(f"narration failed: {error.get('message')} ({error.get('code')})")
            return
