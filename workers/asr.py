"""Speech recognition with moonshine_cpp: what a listener would hear in narrated audio.

Used by the ASR self-check (`workers.review`), the lexicon probe
(`bench/lexicon_probe.py`) and the intelligibility tests. moonshine works on
short clips (it is slow, about real time on two cores, and loses words past
~20 s), so long audio is cut at its silences into clips of at most
`MAX_CLIP_S` seconds. The model (shipped inside the moonshine_cpp wheel, English)
is loaded lazily, once per process; `MoonshineModel.transcribe` is broken in
0.1.4, so clips go through a temporary 16 kHz WAV file and `transcribe_wav`.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

ASR_RATE = 16000
MAX_CLIP_S = 20.0
SILENCE_S = 0.2

_lock = threading.Lock()  # one native model per process; calls into it are serialized


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
    """What the recognizer hears in mono float PCM at `rate`."""
    pcm = np.asarray(pcm, dtype=np.float32)
    audio = soxr.resample(pcm, rate, ASR_RATE) if rate != ASR_RATE else pcm
    # A little silence around the speech: moonshine drops a word cut off at the very edge.
    pad = np.zeros(int(ASR_RATE * 0.2), dtype=np.float32)
    texts = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, clip in enumerate(clips(audio, ASR_RATE)):
            path = os.path.join(tmp, f"clip{i}.wav")
            sf.write(path, np.concatenate([pad, clip, pad]), ASR_RATE, subtype="PCM_16")
            with _lock:
                texts.append(_model().transcribe_wav(path))
    return " ".join(t.strip() for t in texts if t and t.strip())


def transcribe_file(path: Path) -> str:
    """What the recognizer hears in an audio file (any rate, mixed down to mono)."""
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return transcribe(data.mean(axis=1), int(rate))


def comparable_words(text: str) -> list[str]:
    """Lower-case words for comparing what was said with what was heard.

    Punctuation and dashes are dropped ("twenty-five" = "twenty five"), curly
    apostrophes straightened, accents removed ("Nestlé" = "Nestle"), and "and"
    is dropped: number readings differ on it ("one hundred and five") and the
    recognizer is inconsistent about it.
    """
    text = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return [w.strip("'") for w in text.split() if w.strip("'") and w != "and"]


def comparable(text: str) -> str:
    """`comparable_words` joined with spaces."""
    return " ".join(comparable_words(text))
