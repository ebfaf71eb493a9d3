"""An SSML <break> is heard alike in the live stream, in the final file and (as the rule's pause) in speech.

The real voice narrates through the fan-out in this process; the assembly is
held back so the narration is still running when the live stream is read
through the real route, then the final MP3 is made and decoded. The silence
between the two paragraphs is measured in each.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pytest
import soundfile as sf
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.deps import get_queue
from service.core.settings import Settings
from service.core.voices import catalog_dirs, get_voice
from tests.api.conftest import RecordingQueue
from workers.narration.fanout import assemble_narration, start_narration, synthesize_segment

FIRST = "The library opens at nine on weekdays."
SECOND = "The cafe next door sells tea and cake."
SSML = f'<speak><p>{FIRST}</p><break time="1500ms"/><p>{SECOND}</p></speak>'
ONE_FRAME_S = 1152 / 44100  # 26 ms
WINDOW_S = 0.005
SILENT_DBFS = -50.0


@dataclass
class HeldAssembly:
    """Synthesizes dispatched segments at once; remembers the assembly instead of running it."""

    settings: Settings
    assembled: list[str] = field(default_factory=list)

    def synthesize(self, key: str, priority: str) -> None:
        synthesize_segment(key, self.settings, self)

    def assemble(self, narration_id: str, priority: str) -> None:
        self.assembled.append(narration_id)


def longest_silence_s(mp3: bytes) -> float:
    """The longest stretch of the decoded audio under SILENT_DBFS (5 ms windows): the pause between paragraphs."""
    pcm, rate = sf.read(io.BytesIO(mp3), dtype="float32", always_2d=True)
    mono = pcm.mean(axis=1)
    n = int(WINDOW_S * rate)
    windows = mono[: len(mono) // n * n].reshape(-1, n)
    quiet = 20 * np.log10(np.sqrt((windows.astype(np.float64) ** 2).mean(axis=1)) + 1e-12) < SILENT_DBFS
    best = run = 0
    for q in quiet:
        run = run + 1 if q else 0
        best = max(best, run)
    return best * n / rate


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def client(settings: Settings, queue: RecordingQueue) -> Iterator[TestClient]:
    app = create_app(settings)
    app.dependency_overrides[get_queue] = lambda: queue
    with TestClient(app) as test_client:
        yield test_client


def test_a_break_is_the_same_pause_live_and_in_the_file(
    settings: Settings, client: TestClient, queue: RecordingQueue
) -> None:
    # In the voice's language, so /v1/audio/speech of the same paragraphs reuses these very segments.
    voice = get_voice(catalog_dirs(settings), settings.default_voice)
    created = client.post("/v1/articles", json={"ssml": SSML, "language": voice.language})
    assert created.status_code == 202
    article_id, narration_id = created.json()["id"], created.headers["location"].rsplit("/", 1)[1]
    dispatch = HeldAssembly(settings)
    start_narration(narration_id, settings, dispatch)
    assert dispatch.assembled == [narration_id]  # every segment is made; the narration still runs

    live = client.get(f"/v1/articles/{article_id}/live.mp3")
    assert live.status_code == 200 and live.headers["content-type"] == "audio/mpeg"
    assert assemble_narration(narration_id, settings) == "done"
    final = client.get(f"/v1/articles/{article_id}/audio.mp3")
    assert final.status_code == 200
    speech = client.post("/v1/audio/speech", json={"model": "tts-1", "voice": "alloy", "input": f"{FIRST}\n\n{SECOND}"})
    assert speech.status_code == 200 and queue.segments == []  # the narration's segments, from the cache

    live_s, final_s, speech_s = (longest_silence_s(r.content) for r in (live, final, speech))
    print(f"\npause heard: live {live_s:.3f} s, final file {final_s:.3f} s, speech (no break) {speech_s:.3f} s")
    assert final_s >= 1.5  # the break, plus the quiet ends of the two paragraphs
    assert abs(live_s - final_s) <= ONE_FRAME_S
    # Plain text has no break: the rule's paragraph pause, between the same two segments.
    assert abs((live_s - speech_s) - (1.5 - voice.pauses.paragraph_ms / 1000)) <= WINDOW_S
