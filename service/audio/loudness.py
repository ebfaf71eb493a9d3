"""Loudness and true-peak meters (ITU-R BS.1770).

Integrated loudness is pyloudnorm's meter: its K-weighting filters, its
400 ms blocks (75 % overlap) and gates, with the blocks' mean squares summed
from one running sum and gated as arrays (pyloudnorm loops over the blocks in
Python: half its time, and mastering measures each block several times;
tests/workers/test_audio_master.py holds both to the same value). pyloudnorm
has no true-peak meter, so true peak is measured as BS.1770 describes it: the
highest sample magnitude after oversampling by 4, which catches the
inter-sample peaks a DAC or an MP3 decoder reconstructs between samples.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
import pyloudnorm
import soxr
from scipy.signal import sosfilt

TRUE_PEAK_OVERSAMPLING = 4
# BS.1770 gates in 400 ms blocks; anything shorter has no integrated loudness.
MIN_LOUDNESS_S = 0.4
BLOCK_OVERLAP = 0.75
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
# Mean square to loudness: BS.1770's -0.691 dB offset (a mono channel weighs 1).
_OFFSET_DB = -0.691


@lru_cache(maxsize=8)
def _k_weighting(sample_rate: int) -> np.ndarray:
    """pyloudnorm's K-weighting at `sample_rate` (its high shelf and high pass) as second-order sections.

    One `sosfilt` over both sections, their gains in the first, takes half
    the time of pyloudnorm's two `lfilter` passes, to within 1e-13.
    """
    stages: list[Any] = list(pyloudnorm.Meter(sample_rate)._filters.values())  # untyped IIRfilter objects
    sections = np.array([np.concatenate([stage.b, stage.a]) for stage in stages], dtype=np.float64)
    sections[0, :3] *= math.prod(float(stage.passband_gain) for stage in stages)
    return sections


def integrated_loudness(pcm: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness in LUFS (-inf for silence or audio under 400 ms), as pyloudnorm's meter gives it."""
    if len(pcm) < MIN_LOUDNESS_S * sample_rate:
        return float("-inf")
    weighted = sosfilt(_k_weighting(sample_rate), pcm.astype(np.float64, copy=False))
    # pyloudnorm's block bounds, computed as it computes them (the same float operations, truncated).
    step = 1.0 - BLOCK_OVERLAP
    seconds = len(weighted) / sample_rate
    blocks = int(np.round((seconds - MIN_LOUDNESS_S) / (MIN_LOUDNESS_S * step))) + 1
    j = np.arange(blocks)
    lower = (MIN_LOUDNESS_S * (j * step) * sample_rate).astype(np.int64)
    upper = np.minimum((MIN_LOUDNESS_S * (j * step + 1) * sample_rate).astype(np.int64), len(weighted))
    energy = np.concatenate([[0.0], np.cumsum(np.square(weighted))])
    power = np.maximum(energy[upper] - energy[lower], 0.0) / (MIN_LOUDNESS_S * sample_rate)
    with np.errstate(divide="ignore"):
        block_lufs = _OFFSET_DB + 10.0 * np.log10(power)
    loud = block_lufs >= ABSOLUTE_GATE_LUFS
    if not loud.any():
        return float("-inf")
    relative = _OFFSET_DB + 10.0 * math.log10(float(power[loud].mean())) + RELATIVE_GATE_LU
    gated = power[(block_lufs > relative) & (block_lufs > ABSOLUTE_GATE_LUFS)]
    if len(gated) == 0:
        return float("-inf")
    return _OFFSET_DB + 10.0 * math.log10(float(gated.mean()))


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
