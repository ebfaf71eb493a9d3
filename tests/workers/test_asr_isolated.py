"""The recognizer in a memory-limited child process: it hears like the in-process one, and a runaway costs one clip."""

from __future__ import annotations

import numpy as np

from service.core.settings import Settings
from service.core.voices import catalog_dirs, get_voice
from workers.narration.asr import IsolatedRecognizer, comparable
from workers.synthesis import load_engine


def test_the_isolated_recognizer_hears_a_sentence() -> None:
    settings = Settings()
    engine = load_engine(get_voice(catalog_dirs(settings), settings.default_voice))
    audio = engine.synthesize("Good morning, this is the news.")
    with IsolatedRecognizer() as recognizer:
        heard = recognizer.transcribe(audio.pcm, audio.sample_rate)
    assert "good morning" in comparable(heard)


def test_a_recognizer_out_of_memory_hears_nothing_instead_of_failing() -> None:
    tone = (0.1 * np.sin(np.arange(16000) / 5)).astype(np.float32)
    with IsolatedRecognizer(memory_limit=300 * 1024**2) as recognizer:
        assert recognizer.transcribe(tone, 16000) == ""
        assert recognizer.transcribe(tone, 16000) == ""  # a new child each time; the caller goes on
