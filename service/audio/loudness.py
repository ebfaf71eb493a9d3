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

from service.audio.pcm import db_to_gain

TRUE_PEAK_OVERSAMPLING = 4
# Only samples this close to a level are oversampled to see whether their true peak reaches it.
INTERSAMPLE_HEADROOM_DB = 6.0
# Samples of context each side that make a stretch's oversampling equal the whole signal's (soxr HQ at 4x:
# within 3e-7 at 128, measured on speech; 2.5e-5 at 64).
FILTER_CONTEXT = 128
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


def sample_peaks(pcm: np.ndarray, sample_rate: int, floor: float) -> np.ndarray:
    """Per sample, the highest 4x-oversampled magnitude at and just after it, wherever that may reach `floor`.

    Only the stretches around samples within INTERSAMPLE_HEADROOM_DB of
    `floor` are oversampled (with FILTER_CONTEXT samples of context each side,
    so they come out as the whole signal's would); elsewhere a sample's own
    magnitude stands for its peak: speech never rises that far between two samples.
    In mastered speech a few percent of the samples come near the ceiling, so
    this oversamples about a quarter of the signal.
    """
    magnitude = np.abs(pcm.astype(np.float32, copy=False))
    near = magnitude >= floor * db_to_gain(-INTERSAMPLE_HEADROOM_DB)
    if not near.any():
        return magnitude
    exact = near.copy()  # a peak between two samples is the earlier one's: their neighbours too
    exact[1:] |= near[:-1]
    exact[:-1] |= near[1:]
    fed = _widened(np.flatnonzero(exact), FILTER_CONTEXT, len(pcm))
    # The stretches back to back: each one's exact part lies FILTER_CONTEXT from its neighbours.
    up = np.abs(oversampled(pcm[fed], sample_rate))
    factor = TRUE_PEAK_OVERSAMPLING
    if len(up) < len(fed) * factor:
        up = np.concatenate([up, np.zeros(len(fed) * factor - len(up), dtype=up.dtype)])
    # The max of four strided views is much faster than a reduction over a reshaped axis.
    peaks: np.ndarray = up[0 : len(fed) * factor : factor]
    for phase in range(1, factor):
        peaks = np.maximum(peaks, up[phase : len(fed) * factor : factor])
    keep = exact[fed]
    magnitude[fed[keep]] = peaks[keep]
    return magnitude


def _widened(indices: np.ndarray, context: int, length: int) -> np.ndarray:
    """Every index within `context` of one of the sorted `indices` (and inside `length`), in order."""
    breaks = np.flatnonzero(np.diff(indices) > 2 * context + 1)
    starts = np.maximum(indices[np.concatenate([[0], breaks + 1])] - context, 0)
    ends = np.minimum(indices[np.concatenate([breaks, [len(indices) - 1]])] + context + 1, length)
    lengths = ends - starts
    offsets = np.cumsum(lengths) - lengths
    widened: np.ndarray = np.arange(int(lengths.sum())) + np.repeat(starts - offsets, lengths)
    return widened


def true_peak_dbtp(pcm: np.ndarray, sample_rate: int) -> float:
    """True peak in dBTP (4x oversampled around the loudest samples: see `sample_peaks`); -inf for silence."""
    if len(pcm) == 0:
        return float("-inf")
    loudest = float(np.abs(pcm).max())
    if loudest <= 0:
        return float("-inf")
    peak = float(sample_peaks(pcm, sample_rate, loudest).max())
    return 20 * math.log10(peak) if peak > 0 else float("-inf")
