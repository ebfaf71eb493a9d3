"""Mono float32 PCM helpers: silence, edge fades, resampling, reading and 16-bit samples."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf
import soxr


def silence(ms: int, sample_rate: int) -> np.ndarray:
    """`ms` milliseconds of digital silence."""
    return np.zeros(samples_in(ms, sample_rate), dtype=np.float32)


def samples_in(ms: float, sample_rate: int) -> int:
    """How many frames `ms` milliseconds last at `sample_rate`."""
    return round(sample_rate * ms / 1000)


def fade_edges(pcm: np.ndarray, sample_rate: int, ms: float) -> np.ndarray:
    """A copy of `pcm` with raised-cosine fades in and out of `ms` each.

    A clip that starts or stops on a non-zero sample clicks when it is put
    next to silence; a short fade takes it smoothly to and from zero.
    """
    out = pcm.astype(np.float32, copy=True)
    n = min(samples_in(ms, sample_rate), len(out) // 2)
    if n < 2:
        return out
    ramp = (0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)).astype(np.float32)
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def resample(pcm: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample mono float32 PCM with soxr's high-quality filter (the length scales exactly)."""
    if from_rate == to_rate:
        return pcm.astype(np.float32, copy=False)
    resampled: np.ndarray = soxr.resample(pcm.astype(np.float32, copy=False), from_rate, to_rate, quality="HQ")
    return resampled.astype(np.float32)


def to_int16(pcm: np.ndarray) -> np.ndarray:
    """Float PCM as 16-bit little-endian samples (clipped to full scale, rounded)."""
    samples: np.ndarray = np.round(np.clip(pcm, -1.0, 1.0) * 32767.0)
    return samples.astype("<i2")


def read_pcm(data: bytes) -> tuple[np.ndarray, int]:
    """Mono float32 PCM and its sample rate from an audio file's bytes (FLAC, WAV, ...)."""
    pcm, rate = sf.read(io.BytesIO(data), dtype="float32")
    return to_mono(pcm), int(rate)


def to_mono(data: np.ndarray) -> np.ndarray:
    """Mono float32 from (frames,) or (frames, channels) audio."""
    data = np.asarray(data, dtype=np.float32)
    return data if data.ndim == 1 else data.mean(axis=1).astype(np.float32)


def seconds(samples: int, sample_rate: int) -> float:
    """Duration of `samples` frames at `sample_rate`."""
    return samples / float(sample_rate)


def db_to_gain(db: float) -> float:
    """Linear amplitude factor for `db` decibels."""
    return float(10 ** (db / 20))
