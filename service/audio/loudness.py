"""Loudness and true-peak meters (ITU-R BS.1770).

Integrated loudness comes from pyloudnorm. pyloudnorm has no true-peak
meter, so true peak is measured as BS.1770 describes it: the highest sample
magnitude after oversampling by 4, which catches the inter-sample peaks a
DAC or an MP3 decoder reconstructs between samples.
"""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import soxr

TRUE_PEAK_OVERSAMPLING = 4
# pyloudnorm gates in 400 ms blocks; anything shorter has no integrated loudness.
MIN_LOUDNESS_S = 0.4


def integrated_loudness(pcm: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness in LUFS (-inf for silence or audio under 400 ms)."""
    if len(pcm) < MIN_LOUDNESS_S * sample_rate:
        return float("-inf")
    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(pcm.astype(np.float64, copy=False)))


def oversampled(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    """`pcm` at 4x its rate: the signal between the samples made visible."""
    return np.asarray(
        soxr.resample(
            pcm.astype(np.float32, copy=False), sample_rate, sample_rate * TRUE_PEAK_OVERSAMPLING, quality="HQ"
        )
    )


def true_peak_dbtp(pcm: np.ndarray, sample_rate: int) -> float:
    """True peak in dBTP (4x oversampled); -inf for silence."""
    if len(pcm) == 0:
        return float("-inf")
    up = oversampled(pcm, sample_rate)
    peak = max(float(up.max()), -float(up.min()))
    return 20 * math.log10(peak) if peak > 0 else float("-inf")
