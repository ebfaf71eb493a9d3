"""Speech recognition: what a listener would hear in narrated audio.

Used by the ASR self-check (`workers.narration.review`), the lexicon probe
(`bench/lexicon_probe.py`) and the intelligibility tests. The recognizer is
Moonshine base (English), run on the pip onnxruntime by
`workers.narration.moonshine` from the model files the moonshine_cpp wheel
ships (its own native library needs AVX-512 and is never loaded). Moonshine
works on short clips (it loses words past ~20 s), so long audio is cut at its
silences into clips of at most `MAX_CLIP_S` seconds. The model is loaded
lazily, once per process (a few seconds: its int8 weights are expanded once).

`IsolatedRecognizer` keeps the model in a child process under a memory limit,
so the recognizer's ~1 GB stays out of the worker and a clip that runs away
costs that clip only. (moonshine_cpp's native library leaked 1.3-2.2 GB per
20 s clip, so the child used to be replaced every few clips; the onnxruntime
path holds its memory flat, bench/asr_memory.py, and a child now serves a whole
article.) The ASR review, the lexicon probe and the tests hear narrations
through it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import resource
import select
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from types import TracebackType

import numpy as np
import soundfile as sf
import soxr

from workers.narration.moonshine import Moonshine, model_dir

ASR_RATE = 16000
MAX_CLIP_S = 20.0
SILENCE_S = 0.2

# Generous for the model (1.5 GB of address space, 1.0 GB resident, flat from clip to clip; about
# 1.3 GB resident while it loads), far below what a runaway takes. The child retires past half of it.
ASR_MEMORY_LIMIT = 6 * 1024**3
CLIP_TIMEOUT_S = 120.0

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _model() -> Moonshine:
    folder = model_dir()
    if folder is None:
        raise FileNotFoundError("the moonshine_cpp package (which ships the recognizer's model files) is not installed")
    return Moonshine(folder)


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


def clip_files(pcm: np.ndarray, rate: int, folder: str) -> list[str]:
    """The audio cut into clips as 16 kHz WAV files in `folder`, ready for `transcribe_wav`."""
    pcm = np.asarray(pcm, dtype=np.float32)
    audio = soxr.resample(pcm, rate, ASR_RATE) if rate != ASR_RATE else pcm
    # A little silence around the speech: moonshine drops a word cut off at the very edge.
    pad = np.zeros(int(ASR_RATE * 0.2), dtype=np.float32)
    paths = []
    for i, clip in enumerate(clips(audio, ASR_RATE)):
        path = os.path.join(folder, f"clip{i}.wav")
        sf.write(path, np.concatenate([pad, clip, pad]), ASR_RATE, subtype="PCM_16")
        paths.append(path)
    return paths


def _limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class IsolatedRecognizer:
    """The recognizer in a child process with a memory limit; one model load serves many clips.

    A clip that kills or hangs the child is heard as nothing; the next clip
    starts a new child. Use it as a context manager (the child is stopped at
    the end).
    """

    def __init__(self, memory_limit: int = ASR_MEMORY_LIMIT, clip_timeout_s: float = CLIP_TIMEOUT_S) -> None:
        self.memory_limit = memory_limit
        self.clip_timeout_s = clip_timeout_s
        self._child: subprocess.Popen[str] | None = None

    def __enter__(self) -> IsolatedRecognizer:
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._child is not None:
            child, self._child = self._child, None
            child.kill()
            with child:  # waits for it and closes its pipes
                pass

    def _start(self) -> subprocess.Popen[str]:
        # The child limits itself (no preexec_fn: it is unsafe in a process with threads, as workers are).
        return subprocess.Popen(
            [sys.executable, "-m", "workers.narration.asr", str(self.memory_limit)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def _ask(self, path: str) -> tuple[str, bool] | None:
        """(transcript, whether the child retires after it), or None when the child died or hung."""
        if self._child is None:
            self._child = self._start()
        assert self._child.stdin is not None and self._child.stdout is not None
        try:
            self._child.stdin.write(path + "\n")
            self._child.stdin.flush()
            if select.select([self._child.stdout], [], [], self.clip_timeout_s)[0]:
                line = self._child.stdout.readline()
                if line:
                    text, retiring = json.loads(line)
                    return str(text), bool(retiring)
        except OSError:  # the child is gone
            pass
        return None

    def _hear(self, path: str) -> str:
        for _attempt in range(2):  # a clip that fails in a used child gets a fresh one
            answer = self._ask(path)
            if answer is None:
                self.close()
                continue
            text, retiring = answer
            if retiring:
                self.close()
            return text
        log.warning("the recognizer failed on a clip twice (out of memory or hung): that clip is not heard")
        return ""

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        """What the recognizer hears in mono float PCM at `rate`."""
        with tempfile.TemporaryDirectory() as tmp:
            texts = [self._hear(path) for path in clip_files(pcm, rate, tmp)]
        return " ".join(t.strip() for t in texts if t and t.strip())


def _address_space() -> int:
    """Bytes of address space this process holds (what RLIMIT_AS limits)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _serve_clips(memory_limit: int) -> None:
    """The child's side: a WAV path per line in, [transcript, retiring] as JSON per line out.

    The child retires, and the parent starts a fresh one, if it ever holds half
    its limit: a guard against a runaway, not routine (the onnxruntime model's
    memory is flat from clip to clip; moonshine_cpp's native library leaked).
    """
    _limit_memory(memory_limit)
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # whatever onnxruntime prints must not mix with the answers
    for line in sys.stdin:
        text = _model().transcribe_wav(line.strip())
        retiring = _address_space() > memory_limit // 2
        answers.write(json.dumps([text, retiring]) + "\n")
        answers.flush()
        if retiring:
            return


def transcribe_file(path: Path, recognizer: IsolatedRecognizer | None = None) -> str:
    """What the recognizer hears in an audio file (any rate, mixed down to mono)."""
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    if recognizer is not None:
        return recognizer.transcribe(data.mean(axis=1), int(rate))
    with IsolatedRecognizer() as own:
        return own.transcribe(data.mean(axis=1), int(rate))


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


# Spellings of one sound that the recognizer and the article may choose differently.
_SAME_SOUND = (
    (re.compile(r"isation(s?)$"), r"ization\1"),  # British "optimisation" = "optimization"
    (re.compile(r"(?<=[a-z])y's$"), "ies"),  # "company's" = "companies" = "companies'"
)
MAX_COMPOUND = 4  # words glued into one: "u s a" = "usa", "deep seek" = "deepseek"


def one_spelling(word: str) -> str:
    """A comparable word in the one spelling both sides are compared in."""
    for pattern, replacement in _SAME_SOUND:
        word = pattern.sub(replacement, word)
    return word


def glued_runs(words: Sequence[str], other: set[str]) -> list[tuple[int, int]]:
    """`words` as runs [start, end): a run of 2..MAX_COMPOUND words that the other side writes as one word
    ("deep seek" heard as "deepseek", "a i" written as "AI" and heard "ai") is one run, any other word its own.

    Spacing is not pronunciation: comparisons join such runs on both sides.
    """
    runs, i = [], 0
    while i < len(words):
        for n in range(min(MAX_COMPOUND, len(words) - i), 1, -1):
            if "".join(words[i : i + n]) in other:
                runs.append((i, i + n))
                i += n
                break
        else:
            runs.append((i, i + 1))
            i += 1
    return runs


def glued(words: Sequence[str], other: set[str]) -> list[str]:
    """`words` with each run that the other side writes as one word joined (see `glued_runs`)."""
    return ["".join(words[a:b]) for a, b in glued_runs(words, other)]


if __name__ == "__main__":
    _serve_clips(int(sys.argv[1]))
