"""The engine interface every TTS adapter implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class PhonemeTiming:
    """One phoneme and how many samples of the sentence's audio it spans."""

    phoneme: str
    samples: int


@dataclass(frozen=True)
class SentenceAudio:
    """Mono float32 PCM for one sentence, with phoneme timings when the engine gives them."""

    pcm: np.ndarray
    sample_rate: int
    phonemes: tuple[PhonemeTiming, ...] = field(default=())


class Engine(Protocol):
    """A loaded voice that turns one sentence of text into PCM."""

    sample_rate: int
    max_chars: int

    def synthesize(self, text: str) -> SentenceAudio: ...
