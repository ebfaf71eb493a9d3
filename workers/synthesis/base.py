"""The engine interface every TTS adapter implements.

An engine is a loaded voice: its model and the settings of its voice file,
read once. What may change from one request to the next (the speaking rate)
comes with each call as `SynthesisOptions`, as piper's `SynthesisConfig` is
passed per call beside the loaded `PiperVoice`; so one loaded model serves
every speed, and the engine registry keys on the voice alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

MIN_SPEED, MAX_SPEED = 0.25, 4.0  # the range OpenAI's `speed` allows


@dataclass(frozen=True)
class SynthesisOptions:
    """Per-call settings of one synthesis, on top of the voice's own.

    `speed` multiplies the voice's speaking rate (2.0: half as long; Piper and
    VITS divide their length scale by it, XTTS multiplies its `speed`).
    """

    speed: float = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.speed) and MIN_SPEED <= self.speed <= MAX_SPEED):
            raise ValueError(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, not {self.speed}")


DEFAULT_OPTIONS = SynthesisOptions()


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
    """A loaded voice that turns one sentence of text into PCM, with per-call options."""

    sample_rate: int
    max_chars: int

    def synthesize(self, text: str, options: SynthesisOptions = DEFAULT_OPTIONS) -> SentenceAudio: ...


class WithOptions:
    """An engine whose calls all use `options`: for code that calls `synthesize(text)`, such as the pipeline."""

    def __init__(self, engine: Engine, options: SynthesisOptions) -> None:
        self.engine, self.options = engine, options
        self.sample_rate, self.max_chars = engine.sample_rate, engine.max_chars

    def synthesize(self, text: str, options: SynthesisOptions | None = None) -> SentenceAudio:
        return self.engine.synthesize(text, self.options if options is None else options)


def with_options(engine: Engine, options: SynthesisOptions) -> Engine:
    """`engine` speaking with `options` on every call (itself when they are the defaults)."""
    return engine if options == DEFAULT_OPTIONS else WithOptions(engine, options)
