"""Word timings are where the words are: cut the narrated MP3 at a word's marks and let ASR hear it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr
from rapidfuzz import fuzz

from service.audio.mp3 import decode_mp3
from service.core.settings import Settings
from service.core.voices import get_voice
from service.document.model import Block, Document
from workers.narration.asr import _model
from workers.narration.moonshine import Moonshine, model_dir
from workers.narration.pipeline import narrate_document
from workers.narration.render import RenderedNarration
from workers.synthesis import load_engine

pytestmark = [
    pytest.mark.skipif(model_dir() is None, reason="the moonshine_cpp package (the model files) is not installed"),
    pytest.mark.slow,  # 3 narrations by the real voice, each word heard by the recognizer (make test, not test-fast)
]

DOCUMENT = Document(
    title="Harbor Festival Returns",
    blocks=(
        Block(
            "paragraph",
            "Thousands of visitors gathered at the harbor on Saturday for the annual festival. "
            "Musicians performed traditional songs while volunteers served breakfast.",
        ),
        Block("paragraph", "Organizers said the weather was perfect, and the fireworks lit up the evening sky."),
    ),
)
WORDS = ("Saturday", "Musicians", "volunteers", "breakfast", "fireworks")
SLACK_S = 0.08
ASR_RATE = 16000


SAMPLES = 3  # the voice samples noise and the recognizer slips: a word must be heard in one of 3 narrations


def _render(folder) -> RenderedNarration:  # type: ignore[no-untyped-def]
    settings = Settings()
    voice = get_voice(settings.voices_dir, settings.default_voice)
    return narrate_document(DOCUMENT, voice, load_engine(voice), folder / "a.mp3")


def _slices_heard(rendered: RenderedNarration, model: Moonshine, folder: Path) -> dict[str, str]:
    """What ASR hears in each test word's slice of the decoded MP3 (marks + the word's end)."""
    pcm, rate = decode_mp3(rendered.path)
    ends = {(w.src_start, w.src_end): w.end_s for w in rendered.timeline.words}  # type: ignore[union-attr]
    out: dict[str, str] = {}
    for mark in json.loads(rendered.marks_json):
        if mark["type"] != "word" or mark["value"] not in WORDS:
            continue
        start = max(0, round((mark["time_ms"] / 1000 - SLACK_S) * rate))
        end = round((ends[(mark["start"], mark["end"])] + SLACK_S) * rate)
        clip = soxr.resample(pcm[start:end], rate, ASR_RATE)
        # Silence around the slice helps the model on very short input; it adds no words.
        pad = np.zeros(ASR_RATE * 3 // 10, dtype=np.float32)
        wav = folder / f"{mark['value']}.wav"
        sf.write(str(wav), np.concatenate([pad, clip, pad]), ASR_RATE, subtype="PCM_16")
        out[mark["value"]] = model.transcribe_wav(str(wav))
    return out


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    """Word -> transcript of its slice, for up to SAMPLES fresh narrations (until every word was heard)."""
    model = _model()
    found: list[dict[str, str]] = []
    while len(found) < SAMPLES:
        folder = tmp_path_factory.mktemp("asr")
        found.append(_slices_heard(_render(folder), model, folder))
        if all(any(says(s[w], w) for s in found) for w in WORDS):
            break
    return found


@pytest.fixture(scope="module")
def heard(samples: list[dict[str, str]]) -> dict[str, str]:
    """The first narration's transcripts."""
    return samples[0]


def says(transcript: str, word: str) -> bool:
    """True when a word of the transcript is the word (allowing ASR's spelling slips)."""
    return any(fuzz.ratio(token, word.lower()) >= 80 for token in re.findall(r"[a-z']+", transcript.lower()))


@pytest.mark.parametrize("word", WORDS)
def test_the_slice_at_a_words_timing_says_that_word(samples: list[dict[str, str]], word: str) -> None:
    transcripts = [s[word] for s in samples]
    assert any(says(t, word) for t in transcripts), f"{word!r} slices were heard as {transcripts!r}"


def test_a_slice_does_not_say_the_other_test_words(heard: dict[str, str]) -> None:
    for word, transcript in heard.items():
        assert not any(says(transcript, other) for other in WORDS if other != word), (word, transcript)
