"""Test helper: transcribe narrated audio with moonshine_cpp and score it against the article.

The recognizer itself lives in `workers.asr` (the ASR self-check uses it at run
time); this module keeps the names the tests import.
"""

from __future__ import annotations

import re

import jiwer

from service.text.normalize import normalize

from workers.asr import (
    ASR_RATE,
    MAX_CLIP_S,
    SILENCE_S,
    clips,
    comparable,
    transcribe,
    transcribe_file,
)

__all__ = [
    "ASR_RATE",
    "MAX_CLIP_S",
    "SILENCE_S",
    "clips",
    "comparable",
    "transcribe",
    "transcribe_file",
    "word_error_rate",
]


def spoken_words(text: str) -> str:
    """Both sides of a WER in one form: read by the normalizer ("$5" = "five dollars"), compounds
    split ("DeepSeek" = "Deep Seek"), then lower-case words without punctuation."""
    return comparable(normalize(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)).text)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER of what was heard against the spoken form of the article."""
    return float(jiwer.wer(spoken_words(reference), spoken_words(hypothesis)))
