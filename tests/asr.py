"""Test helper: transcribe narrated audio with moonshine_cpp and score it against the article.

moonshine works on short clips (it is slow and loses words past ~20 s), so long
audio is cut at its silences into clips of at most `MAX_CLIP_S` seconds.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import jiwer
import numpy as np
import soundfile as sf
import soxr

ASR_RATE = 16000
MAX_CLIP_S = 20.0
SILENCE_S = 0.2


@lru_cache(maxsize=1)
def _model():  # type: ignore[no-untyped-def]
    import moonshine_cpp

    model_dir = Path(moonshine_cpp.__file__).parent / "models" / "base-en"
    return moonshine_cpp.MoonshineModel(
        model_dir_path=str(model_dir), model_type="base", suppress_copyright_notice=True
    )


def _silent_points(pcm: np.ndarray, rate: int) -> list[int]:
    """Sample positions in the middle of runs of near-silence at least SILENCE_S long."""
    frame = int(rate * 0.01)
    frames = len(pcm) // frame
    if frames == 0:
        return []
    energy = np.abs(pcm[: frames * frame]).reshape(frames, frame).max(axis=1)
    quiet = energy < 0.01
    points, run_start = [], None
    for i, q in enumerate(np.append(quiet, False)):
        if q and run_start is None:
            run_start = i
        elif not q and run_start is not None:
            if (i - run_start) * 0.01 >= SILENCE_S:
                points.append(((run_start + i) // 2) * frame)
            run_start = None
    return points


def clips(pcm: np.ndarray, rate: int) -> list[np.ndarray]:
    """Cut audio at silences into clips of at most MAX_CLIP_S (hard cuts only when no silence)."""
    limit = int(MAX_CLIP_S * rate)
    cuts, start = [], 0
    points = _silent_points(pcm, rate)
    while len(pcm) - start > limit:
        candidates = [p for p in points if start < p <= start + limit]
        end = candidates[-1] if candidates else start + limit
        cuts.append(pcm[start:end])
        start = end
    cuts.append(pcm[start:])
    return [c for c in cuts if len(c) > rate * 0.1]


def transcribe(pcm: np.ndarray, rate: int) -> str:
    """What the recognizer hears in mono float PCM."""
    audio = soxr.resample(pcm.astype(np.float32), rate, ASR_RATE) if rate != ASR_RATE else pcm
    texts = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, clip in enumerate(clips(audio, ASR_RATE)):
            path = os.path.join(tmp, f"clip{i}.wav")
            sf.write(path, clip, ASR_RATE, subtype="PCM_16")
            texts.append(_model().transcribe_wav(path))
    return " ".join(t.strip() for t in texts)


def transcribe_file(path: Path) -> str:
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return transcribe(data.mean(axis=1), int(rate))


def comparable(text: str) -> str:
    """Lower-case words only: punctuation, dashes and 'and' (see peer README) removed."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(w for w in text.split() if w != "and")


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER of what was heard against the spoken form of the article."""
    return float(jiwer.wer(comparable(reference), comparable(hypothesis)))
