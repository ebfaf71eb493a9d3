"""A gentle look-ahead compressor that evens out loud syllables before limiting.

Neural TTS voices carry most of their energy at 300-1000 Hz, where loudness
weighting (BS.1770) counts little, so at -16 LUFS their loudest syllables
peak well above any true-peak ceiling. A limiter alone would have to take
6-8 dB off those peaks; levelling the syllables first (a slow, soft-knee
compressor working on a 50 ms RMS envelope) leaves the limiter only the
short peaks, which keeps the voice clean.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import maximum_filter1d, uniform_filter1d

from service.audio.pcm import samples_in

ENVELOPE_MS = 50.0
SMOOTHING_MS = 40.0
# Above this many dB over the speech's average level, a syllable is compressed.
THRESHOLD_DB = 3.0
RATIO = 3.0
KNEE_DB = 4.0
# Frames quieter than this (relative to the loudest) are pauses, not speech.
SPEECH_GATE_DB = -45.0


def speech_level_db(pcm: np.ndarray, sample_rate: int) -> float:
    """Mean power of the spoken parts (pauses left out), in dBFS."""
    power = uniform_filter1d(pcm.astype(np.float64) ** 2, samples_in(ENVELOPE_MS, sample_rate), mode="constant")
    loudest = float(power.max()) if len(power) else 0.0
    if loudest <= 0:
        return float("-inf")
    spoken = power[power > loudest * 10 ** (SPEECH_GATE_DB / 10)]
    return float(10 * np.log10(spoken.mean()))


def compression_db(level_db: np.ndarray, threshold_db: float) -> np.ndarray:
    """Gain reduction (dB, >= 0) of a soft-knee compressor for each envelope level."""
    over = level_db - threshold_db
    slope = 1.0 - 1.0 / RATIO
    knee = np.where(np.abs(over) <= KNEE_DB / 2, slope * (over + KNEE_DB / 2) ** 2 / (2 * KNEE_DB), 0.0)
    return np.where(over > KNEE_DB / 2, slope * over, knee)


def compress(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    """`pcm` with its loudest syllables brought closer to the average speech level."""
    average = speech_level_db(pcm, sample_rate)
    if not np.isfinite(average):
        return pcm.astype(np.float32, copy=True)
    power = uniform_filter1d(pcm.astype(np.float64) ** 2, samples_in(ENVELOPE_MS, sample_rate), mode="nearest")
    reduction = compression_db(10 * np.log10(np.maximum(power, 1e-12)), average + THRESHOLD_DB)
    # Hold each reduction across the smoothing window before averaging, so a
    # syllable's peak is never left under-compressed by the smoothing.
    width = samples_in(SMOOTHING_MS, sample_rate)
    reduction = np.asarray(uniform_filter1d(maximum_filter1d(reduction, width, mode="nearest"), width, mode="nearest"))
    return (pcm * 10 ** (-reduction / 20)).astype(np.float32)
