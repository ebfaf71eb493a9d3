"""A look-ahead true-peak limiter for mono PCM.

The gain it applies is worked out on the 4x oversampled signal, so it holds
peaks between samples too. Each sample's required gain is held for a while
(a running minimum that looks a little ahead and further back) and then
smoothed by a moving average no wider than the look-ahead, so the gain glides
down before a peak, stays put through the syllable instead of following each
glottal pulse (which would distort), glides back up, and is never above what
any peak needs.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d

from service.audio.loudness import sample_peaks
from service.audio.pcm import db_to_gain, samples_in

LOOKAHEAD_MS = 5.0
HOLD_MS = 40.0
# Later passes catch the little that gain smoothing lets through between samples.
MAX_PASSES = 4


def limiter_gain(peaks: np.ndarray, ceiling: float, lookahead: int, hold: int) -> np.ndarray:
    """Smooth per-sample gain that keeps every `peaks` value at or under `ceiling`."""
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    # Minimum over [n - hold, n + lookahead]: a centred window of that width, shifted.
    size = hold + lookahead + 1
    held = minimum_filter1d(needed, size, mode="nearest", origin=(hold - lookahead) // 2)
    # An average over +-lookahead only ever mixes values whose windows covered the peak.
    return np.asarray(uniform_filter1d(held, 2 * lookahead + 1, mode="nearest"))


def limit_true_peak(
    pcm: np.ndarray,
    sample_rate: int,
    ceiling_dbtp: float,
    *,
    lookahead_ms: float = LOOKAHEAD_MS,
    hold_ms: float = HOLD_MS,
) -> np.ndarray:
    """`pcm` with its true peak brought down to `ceiling_dbtp` (quieter parts untouched)."""
    ceiling = db_to_gain(ceiling_dbtp)
    lookahead = max(1, samples_in(lookahead_ms, sample_rate))
    hold = max(lookahead, samples_in(hold_ms, sample_rate))
    out = pcm.astype(np.float32, copy=True)
    for _ in range(MAX_PASSES):
        if len(out) == 0:
            break
        peaks = sample_peaks(out, sample_rate, ceiling)
        if float(peaks.max()) <= ceiling:
            break
        # A hair under the ceiling, so rounding never leaves a peak just above it.
        out *= (limiter_gain(peaks, ceiling, lookahead, hold) * 0.998).astype(np.float32)
    return out
