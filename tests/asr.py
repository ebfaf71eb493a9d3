"""Test helper: transcribe narrated audio with Moonshine and score it against the article.

The recognizer itself lives in `workers.narration.asr` (the ASR self-check uses it at run
time); this module keeps the names the tests import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import jiwer

from service.document.normalize import normalize
from workers.narration.asr import (
    ASR_RATE,
    MAX_CLIP_S,
    SILENCE_S,
    IsolatedRecognizer,
    clips,
    comparable,
    glued,
    one_spelling,
    transcribe_file,
)

__all__ = [
    "ASR_RATE",
    "MAX_CLIP_S",
    "SILENCE_S",
    "clips",
    "comparable",
    "hearing_in_the_background",
    "transcribe_file",
    "word_error_rate",
]


def spoken_words(text: str) -> str:
    """Both sides of a WER in one form: read by the normalizer ("$5" = "five dollars"), compounds
    split ("DeepSeek" = "Deep Seek"), then lower-case words without punctuation."""
    return comparable(normalize(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)).text)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER of what was heard against the spoken form of the article.

    Spacing and spelling are not pronunciation: where one side writes as one word
    what the other writes as several ("Deepseek" heard, "DeepSeek" = "deep seek"
    written; "AI"/"USA" heard, spelled letters written) the words are joined on
    both sides, and spellings of one sound are made one (`workers.narration.asr.one_spelling`).
    """
    ref = [one_spelling(w) for w in spoken_words(reference).split()]
    hyp = [one_spelling(w) for w in spoken_words(hypothesis).split()]
    ref = glued(ref, set(hyp))
    hyp = glued(hyp, set(ref))
    return float(jiwer.wer(" ".join(ref), " ".join(hyp)))


@contextmanager
def hearing_in_the_background(timeout_s: float = 120) -> Iterator[Callable[[Path], Future[str]]]:
    """`hear(path)` starts `transcribe_file` of `path` and returns its future transcript at once.

    Files are heard one after another by one isolated recognizer (one model load for them all, on one
    core), in a thread of this process, so a test goes on (a worker narrates the next file) meanwhile.
    """
    with IsolatedRecognizer(clip_timeout_s=timeout_s) as recognizer:
        hearing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hearing")
        try:
            yield lambda path: hearing.submit(transcribe_file, path, recognizer)
        finally:  # a test that failed meanwhile does not wait for what it will not read
            hearing.shutdown(cancel_futures=True)
