"""PCM helpers: edge fades and resampling lengths."""

from __future__ import annotations

import numpy as np
import pytest

from service.audio.pcm import fade_edges, resample, silence


def test_fades_start_and_end_at_zero_and_leave_the_middle_alone() -> None:
    pcm = np.ones(22050, dtype=np.float32)
    faded = fade_edges(pcm, 22050, 8.0)
    n = round(22050 * 0.008)
    assert faded[0] == 0.0 and faded[-1] == pytest.approx(0.0, abs=1e-3)
    assert np.all(np.diff(faded[:n]) >= 0) and np.all(np.diff(faded[-n:]) <= 0)
    assert np.array_equal(faded[n:-n], pcm[n:-n])
    assert np.array_equal(pcm, np.ones(22050, dtype=np.float32))  # the input is not modified


def test_a_clip_shorter_than_two_fades_is_still_faded_safely() -> None:
    assert len(fade_edges(np.ones(10, dtype=np.float32), 22050, 8.0)) == 10


def test_resampling_22050_to_44100_doubles_the_length_exactly() -> None:
    assert len(resample(np.zeros(12345, dtype=np.float32), 22050, 44100)) == 24690
    assert len(silence(250, 22050)) == 5512
