"""Intro and outro: a feed's jingle before the narration and its sign-off after it.

Clips are read with soundfile (WAV, FLAC, Ogg; MP3 too with libsndfile >=
1.1), so no ffmpeg is needed; pydub then lays them out on raw PCM. Each clip
is matched to the speech's loudness, fades out under the first words
(intro) or in over the last ones (outro), and the speech itself is never
faded, so no word is clipped.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import soundfile as sf

from service.audio.pcm import db_to_gain, resample, to_mono

if TYPE_CHECKING:
    from pydub import AudioSegment

CROSSFADE_MS = 500
# Positions are whole multiples of 10 ms: a whole number of frames at 32, 44.1 and 48 kHz.
GRID_MS = 10
# pydub mixes integers that saturate; 12 dB of headroom keeps any overlap clean.
_HEADROOM = db_to_gain(-12.0)
_INT32_SCALE = float(2**31 - 1)
_SAMPLE_WIDTH = 4


@dataclass(frozen=True)
class Mixed:
    """The narration with its intro and outro, and where the speech begins in it."""

    pcm: np.ndarray
    speech_offset_s: float


def read_clip(path: Path, sample_rate: int) -> np.ndarray:
    """A clip file as mono float32 PCM at `sample_rate`."""
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return resample(to_mono(data), int(rate), sample_rate)


def loudness_matched(clip: np.ndarray, speech: np.ndarray, sample_rate: int) -> np.ndarray:
    """`clip` scaled to the speech's integrated loudness (unchanged if either cannot be measured)."""
    from service.audio.loudness import integrated_loudness  # the meter (scipy) only where there is a clip

    clip_lufs = integrated_loudness(clip, sample_rate)
    speech_lufs = integrated_loudness(speech, sample_rate)
    if not (math.isfinite(clip_lufs) and math.isfinite(speech_lufs)):
        return clip
    return (clip * db_to_gain(speech_lufs - clip_lufs)).astype(np.float32)


def _pydub() -> type[AudioSegment]:
    # pydub warns at import that ffmpeg is missing (it is not needed for raw PCM)
    # and that audioop is deprecated; neither concerns this use.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pydub import AudioSegment
    segment: type[AudioSegment] = AudioSegment  # pydub is untyped
    return segment


def _segment(pcm: np.ndarray, sample_rate: int, ms: int | None = None) -> AudioSegment:
    """Float PCM as a pydub segment, padded with silence to `ms` when given."""
    frames = len(pcm) if ms is None else sample_rate * ms // 1000
    ints = np.zeros(frames, dtype=np.int32)
    n = min(frames, len(pcm))
    ints[:n] = np.round(np.clip(pcm[:n] * _HEADROOM, -1.0, 1.0) * _INT32_SCALE).astype(np.int32)
    return _pydub()(data=ints.tobytes(), sample_width=_SAMPLE_WIDTH, frame_rate=sample_rate, channels=1)


def _grid_ms(samples: int, sample_rate: int) -> int:
    """Milliseconds, rounded up to the grid, that hold `samples` frames."""
    return math.ceil(samples * 1000 / sample_rate / GRID_MS) * GRID_MS


def with_intro_outro(
    speech: np.ndarray,
    sample_rate: int,
    *,
    intro: Path | None = None,
    outro: Path | None = None,
    crossfade_ms: int = CROSSFADE_MS,
) -> Mixed:
    """The speech with an intro before it and an outro after it, each crossfaded and loudness-matched."""
    if intro is None and outro is None:
        return Mixed(speech.astype(np.float32, copy=False), 0.0)
    speech_ms = _grid_ms(len(speech), sample_rate)
    parts: list[tuple[int, AudioSegment]] = []
    offset_ms = 0
    if intro is not None:
        clip = loudness_matched(read_clip(intro, sample_rate), speech, sample_rate)
        clip_ms = _grid_ms(len(clip), sample_rate)
        fade = min(crossfade_ms, clip_ms) // GRID_MS * GRID_MS
        parts.append((0, _segment(clip, sample_rate, clip_ms).fade_out(fade)))
        offset_ms = clip_ms - fade
    parts.append((offset_ms, _segment(speech, sample_rate, speech_ms)))
    total_ms = offset_ms + speech_ms
    if outro is not None:
        clip = loudness_matched(read_clip(outro, sample_rate), speech, sample_rate)
        clip_ms = _grid_ms(len(clip), sample_rate)
        fade = min(crossfade_ms, clip_ms, speech_ms) // GRID_MS * GRID_MS
        parts.append((total_ms - fade, _segment(clip, sample_rate, clip_ms).fade_in(fade)))
        total_ms += clip_ms - fade
    canvas = _segment(np.zeros(0, dtype=np.float32), sample_rate, total_ms)
    for position, segment in parts:
        canvas = canvas.overlay(segment, position=position)
    ints = np.frombuffer(canvas.raw_data, dtype=np.int32)
    pcm = (ints.astype(np.float64) / (_INT32_SCALE * _HEADROOM)).astype(np.float32)
    return Mixed(pcm, offset_ms / 1000.0)
