"""The live service for browser tests: the real app under uvicorn with one narrated article.

The narration is made with the real voice (`narrator narrate --marks`) when it
runs here, else a tone MP3 with hand-written marks, so the player is always
tested on a real MP3 file with marks that match the article text.
"""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import soundfile
import uvicorn

from service.access import keys
from service.articles import records
from service.audio.codecs import CodecStream
from service.audio.formats import OPUS
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import storage_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]

TITLE = "Morning at the harbour"
PARAGRAPHS = [
    "The harbour was quiet before dawn. Fishermen checked their nets under yellow lamps.",
    "By seven o'clock, the first boats had left for the open sea.",
]
TONE_SENTENCE_S = 2.5


class NullQueue:
    """Nothing is narrated by a worker here: the test finishes the narration itself."""

    def enqueue_narration(self, narration_id: str, priority: str = "now") -> None:
        pass

    def send(self, task: str, args: list[object], queue: str) -> None:
        pass

    def check(self) -> None:
        pass


SIGNING_SECRET = "browser-test-signing-secret-" + "s" * 16


@dataclass(frozen=True)
class Narrated:
    """The live service and its one narrated article, and the keys API clients send (the player sends none)."""

    base_url: str
    cms_key: str  # articles:read and articles:write, as a CMS has
    stats_key: str  # stats:read, as a publisher's dashboard has
    article_id: str
    text: str
    sentences: list[dict[str, Any]]  # the sentence marks, in time order
    duration_s: float
    real_voice: bool


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def create_keys(settings: Settings, *scopes: tuple[str, ...]) -> list[str]:
    """One new API key for each tuple of scopes (service/access/keys.py, as `narrator keys create` does)."""
    with session_scope(settings.database_url) as session:
        return [keys.create_key(session, "default", "browser", wanted)[1] for wanted in scopes]


def narrated_article(base_url: str, settings: Settings, root: Path) -> Narrated:
    """Create the article through the API with a CMS's key, finish its narration with stored MP3, Opus and marks.

    The Opus file is the MP3's audio encoded as the assembly encodes it: the player picks it where the browser
    plays Opus (Chromium does), the MP3 elsewhere.

    From then on keys exist: the player, which sends none, reads only what is public.
    """
    cms_key, stats_key = create_keys(settings, ("articles:read", "articles:write"), ("stats:read",))
    assert httpx.get(f"{base_url}/v1/articles").status_code == 401  # closed to callers without a key
    body = "\n\n".join(PARAGRAPHS)
    created = httpx.post(
        f"{base_url}/v1/articles",
        json={"title": TITLE, "text": body, "formats": ["mp3", "opus"]},
        headers={"Authorization": f"Bearer {cms_key}"},
    ).json()
    text = created["text"]
    audio, marks, real_voice = _real_voice(root, body) or _tone(root, text)
    sentences = sorted((m for m in marks if m["type"] == "sentence"), key=lambda m: m["time_ms"])
    code_points = list(text)
    for mark in sentences:  # the marks must point into the very text the API serves
        assert "".join(code_points[mark["start"] : mark["end"]]) == mark["value"], mark
    storage = storage_for(settings)
    stored = storage.put_file(audio, "mp3")
    stored_marks = storage.put_bytes(json.dumps(marks).encode(), "json")
    opus = storage.put_file(_as_opus(audio, root / "story.opus"), OPUS.extension)
    files = (records.FormatFile(OPUS.name, opus.key, OPUS.media_type, opus.size, opus.sha256),)
    duration = float(soundfile.info(str(audio)).duration)
    with session_scope(settings.database_url) as session:
        records.finish_narration(
            session,
            created["latest_narration"]["id"],
            records.FinishedAudio(
                stored.sha256, stored.key, stored.size, duration, marks_key=stored_marks.key, files=files
            ),
        )
    return Narrated(base_url, cms_key, stats_key, created["id"], text, sentences, duration, real_voice)


def _as_opus(mp3: Path, path: Path) -> Path:
    """The MP3's audio in Opus at `path`, encoded by the codec the assembly uses."""
    pcm, rate = soundfile.read(str(mp3), dtype="float32")
    assert OPUS.codec is not None
    encoder = CodecStream(OPUS.codec, path)
    encoder.start(rate)
    encoder.encode(pcm if pcm.ndim == 1 else pcm.mean(axis=1), rate)
    encoder.finish()
    return path


def _real_voice(root: Path, body: str) -> tuple[Path, list[dict[str, Any]], bool] | None:
    """MP3 and marks from `narrator narrate`, or None when the voice cannot run here."""
    source = root / "story.txt"
    source.write_text(body, encoding="utf-8")
    audio, marks = root / "story.mp3", root / "marks.json"
    command = [
        sys.executable,
        "-m",
        "workers.cli",
        "narrate",
        str(source),
        "-o",
        str(audio),
        "--title",
        TITLE,
        "--marks",
        str(marks),
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=300, cwd=Path(__file__).parents[2])
        return audio, json.loads(marks.read_text(encoding="utf-8")), True
    except (subprocess.SubprocessError, OSError, ValueError) as exc:
        print(f"real voice unavailable ({exc}); using a tone", file=sys.stderr)
        return None


def _tone(root: Path, text: str) -> tuple[Path, list[dict[str, Any]], bool]:
    """A real MP3 (a tone) and sentence marks every TONE_SENTENCE_S seconds."""
    sentences = [TITLE, *(s.strip() + "." for p in PARAGRAPHS for s in p.split(".") if s.strip())]
    marks, position = [], 0
    for n, sentence in enumerate(sentences):
        start = text.index(sentence, position)
        position = start + len(sentence)
        marks.append(
            {
                "time_ms": int(n * TONE_SENTENCE_S * 1000),
                "type": "sentence",
                "start": start,
                "end": position,
                "value": sentence,
            }
        )
    rate = 44100
    t = np.arange(int(rate * TONE_SENTENCE_S * len(sentences))) / rate
    audio = root / "tone.mp3"
    soundfile.write(str(audio), (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate, format="MP3")
    return audio, marks, False


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the publisher's page without logging every request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """An ASGI app under uvicorn on a free 127.0.0.1 port, in a thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
