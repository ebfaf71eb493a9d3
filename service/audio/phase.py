"""A broadcast phase rotator: all-pass filters that make speech waveforms less peaky.

Voiced speech is lopsided: the glottal pulse puts a tall spike on one side of
each pitch period. Shifting the phase of the low harmonics (four all-pass
sections at 200 Hz, as broadcast processors do) spreads that spike out
without changing how the voice sounds, which lowers the peak-to-loudness
ratio by 2-3 dB and so leaves less for the limiter to do.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import sosfilt

ROTATOR_HZ = 200.0
ROTATOR_Q = 0.7
SECTIONS = 4


def allpass_section(frequency: float, q: float, sample_rate: int) -> np.ndarray:
    """One second-order all-pass biquad (RBJ audio EQ cookbook) as an SOS row."""
    w0 = 2 * math.pi * frequency / sample_rate
    alpha = math.sin(w0) / (2 * q)
    cos = math.cos(w0)
    b = [1 - alpha, -2 * cos, 1 + alpha]
    a = [1 + alpha, -2 * cos, 1 - alpha]
    return np.array([c / a[0] for c in b] + [c / a[0] for c in a])


def rotate_phase(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    """`pcm` through the phase rotator: same spectrum, lower peaks."""
    sos = np.stack([allpass_section(ROTATOR_HZ, ROTATOR_Q, sample_rate)] * SECTIONS)
    rotated: np.ndarray = sosfilt(sos, pcm.astype(np.float64)).astype(np.float32)  # scipy is untyped
    return rotated
