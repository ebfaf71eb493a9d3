"""Mono float32 PCM helpers: silence, joining and resampling."""

from __future__ import annotations

import numpy as np
import soxr


def silence(ms: int, sample_rate: int) -> np.ndarray:
    """`ms` milliseconds of digital silence."""
    return np.zeros(int(round(sample_rate * ms / 1000)), dtype=np.float32)


def resample(pcm: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample mono float32 PCM with soxr's high-quality filter."""
    if from_rate == to_rate:
        return pcm.astype(np.float32, copy=False)
    return soxr.resample(pcm.astype(np.float32, copy=False), from_rate, to_rate, quality="HQ").astype(np.float32)


def seconds(samples: int, sample_rate: int) -> float:
    """Duration of `samples` frames at `sample_rate`."""
    return samples / float(sample_rate)
