"""Test helper: transcribe narrated audio with moonshine_cpp and score it against the article.

The recognizer itself lives in `workers.asr` (the ASR self-check uses it at run
time); this module keeps the names the tests import.
"""

from __future__ import annotations

import re
from pathlib import Path

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


# Spellings of one sound that the recognizer and the article may choose differently.
_SAME_SOUND = (
    (re.compile(r"isation(s?)$"), r"ization\1"),  # British "optimisation" = "optimization"
    (re.compile(r"(?<=[a-z])y's$"), "ies"),  # "company's" = "companies" = "companies'"
)
MAX_COMPOUND = 4  # words glued into one: "u s a" = "usa", "deep seek" = "deepseek"


def _one_spelling(word: str) -> str:
    for pattern, replacement in _SAME_SOUND:
        word = pattern.sub(replacement, word)
    return word


def _glued(words: list[str], other: set[str]) -> list[str]:
    """`words` with each run of 2..MAX_COMPOUND words that the other side writes as one word joined."""
    out, i = [], 0
    while i < len(words):
        for n in range(min(MAX_COMPOUND, len(words) - i), 1, -1):
            joined = "".join(words[i : i + n])
            if joined in other:
                out.append(joined)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER of what was heard against the spoken form of the article.

    Spacing and spelling are not pronunciation: where one side writes as one word
    what the other writes as several ("Deepseek" heard, "DeepSeek" = "deep seek"
    written; "AI"/"USA" heard, spelled letters written) the words are joined on
    both sides, and `_SAME_SOUND` spellings are made one.
    """
    ref = [_one_spelling(w) for w in spoken_words(reference).split()]
    hyp = [_one_spelling(w) for w in spoken_words(hypothesis).split()]
    ref = _glued(ref, set(hyp))
    hyp = _glued(hyp, set(ref))
    return float(jiwer.wer(" ".join(ref), " ".join(hyp)))


ASR_MEMORY_LIMIT = 6 * 1024**3


def _transcribe_limited(path: str, queue) -> None:  # type: ignore[no-untyped-def]
    import resource

    # The recognizer has been seen to run away with memory (once, 22 GB over a long article):
    # a limit makes that one failed clip instead of the machine's OOM killer ending the test run.
    resource.setrlimit(resource.RLIMIT_AS, (ASR_MEMORY_LIMIT, ASR_MEMORY_LIMIT))
    from workers.asr import _model

    queue.put(_model().transcribe_wav(path))


def _clip_heard(path: str, timeout_s: float) -> str:
    """One clip transcribed by a fresh child process; "" when the child fails or hangs."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_transcribe_limited, args=(path, queue))
    child.start()
    try:
        return str(queue.get(timeout=timeout_s))
    except Exception:  # noqa: BLE001 - the child died or hung: this clip was not heard
        return ""
    finally:
        child.join(timeout=5)
        if child.is_alive():
            child.kill()


def transcribe_file_guarded(path: Path, timeout_s: float = 120) -> str:
    """`transcribe_file`, each clip in its own memory-limited child process."""
    import os
    import tempfile

    import numpy as np
    import soundfile as sf
    import soxr

    from workers.asr import ASR_RATE as RATE
    from workers.asr import clips as cut

    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    audio = soxr.resample(data.mean(axis=1), int(rate), RATE)
    pad = np.zeros(int(RATE * 0.2), dtype=np.float32)
    texts = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, clip in enumerate(cut(audio, RATE)):
            clip_path = os.path.join(tmp, f"clip{i}.wav")
            sf.write(clip_path, np.concatenate([pad, clip, pad]), RATE, subtype="PCM_16")
            texts.append(_clip_heard(clip_path, timeout_s).strip())
    return " ".join(t for t in texts if t)
