"""A deterministic stand-in engine for tests: tones as long as the text would take to say.

Tests of what happens around synthesis (fan-out, the segment cache, parts,
timelines, assembly) need audio of a plausible length with phoneme timings,
not the real voice: this engine makes it in microseconds, without a model.
Every letter or digit is a short tone (its pitch from the character), a space
is a word break and punctuation a pause, each reported as a phoneme timing
the way Piper reports them ("^" opens the sentence, "$" closes it), so word
marks and captions line up with the text.

It is not an engine production catalogs can name: `install()` registers it
with the engine registry and lets this process's catalogs use
`engine = "silent"`, and only tests call it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from service.core.voices import Voice, enable_test_engine
from workers.synthesis.base import DEFAULT_OPTIONS, PhonemeTiming, SentenceAudio, SynthesisOptions

NAME = "silent"
SAMPLE_RATE = 22050  # Piper's medium voices
CHAR_S = 0.065  # a letter's length at speed 1: about 15 characters a second, as people read aloud
PAUSE_CHARS = 3  # punctuation: a pause as long as three letters
AMPLITUDE = 0.1


class SilentEngine:
    """Tones for letters, silence for word breaks and punctuation; the same text always gives the same PCM."""

    max_chars = 400

    def __init__(self, voice: Voice) -> None:
        self.sample_rate = int(voice.params.get("sample_rate", SAMPLE_RATE))
        self._length_scale = float(voice.params.get("length_scale", 1.0))

    def phonemes(self, text: str, options: SynthesisOptions = DEFAULT_OPTIONS) -> tuple[PhonemeTiming, ...]:
        """The phoneme timings of `text`: one per character, with "^" and "$" around the sentence."""
        letter = max(1, round(self.sample_rate * CHAR_S * self._length_scale / options.speed))
        timings = [PhonemeTiming("^", letter)]
        for char in " ".join(text.split()):
            if char.isalnum():
                timings.append(PhonemeTiming(char.lower(), letter))
            elif char == " ":
                timings.append(PhonemeTiming(" ", letter))
            else:
                timings.append(PhonemeTiming(char, letter * PAUSE_CHARS))
        timings.append(PhonemeTiming("$", letter))
        return tuple(timings)

    def synthesize(self, text: str, options: SynthesisOptions = DEFAULT_OPTIONS) -> SentenceAudio:
        timings = self.phonemes(text, options)
        # A pitch per sample: 150-340 Hz by character for letters, 0 (silence) for breaks and pauses.
        pitch = [150.0 + 10.0 * (ord(t.phoneme) % 20) if t.phoneme.isalnum() else 0.0 for t in timings]
        hz = np.repeat(np.asarray(pitch), [t.samples for t in timings])
        phase = 2 * np.pi * np.cumsum(hz) / self.sample_rate
        pcm = np.where(hz > 0, AMPLITUDE * np.sin(phase), 0.0).astype(np.float32)
        return SentenceAudio(pcm=pcm, sample_rate=self.sample_rate, phonemes=timings)


def install(enabled: bool = True) -> None:
    """Make (or stop making) `engine = "silent"` a voice this process's catalogs and workers accept (tests only)."""
    from workers.synthesis import register_engine, unregister_engine

    enable_test_engine(NAME, enabled)
    if enabled:
        register_engine(NAME, SilentEngine)
    else:
        unregister_engine(NAME)


@contextmanager
def installed() -> Iterator[None]:
    """The silent engine installed for the duration of a `with` block."""
    install()
    try:
        yield
    finally:
        install(enabled=False)
