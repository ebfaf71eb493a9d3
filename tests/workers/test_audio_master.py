"""Mastering: -16 LUFS integrated, true peak <= -1 dBTP (4x oversampled), verified on the decoded MP3."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from service.audio.compressor import compress
from service.audio.limiter import limit_true_peak
from service.audio.loudness import integrated_loudness, oversampled, sample_peaks, true_peak_dbtp
from service.audio.master import encode_mastered_frames, master
from service.audio.mp3 import DECODER_DELAY, decode_frames
from service.audio.phase import rotate_phase
from service.audio.xing import LAME_ENCODER_DELAY

RATE = 44100


def speechlike(seconds: float = 6.0, seed: int = 1) -> np.ndarray:
    """Peaky "voiced" bursts: a glottal-like pulse train under syllable envelopes, with pauses."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(RATE * seconds)) / RATE
    pulses = np.zeros_like(t)
    pulses[:: RATE // 120] = 1.0  # 120 Hz pitch
    kernel = np.exp(-np.arange(200) / 30.0) * np.sin(np.arange(200) / 6.0)
    voiced = np.convolve(pulses, kernel, mode="same")
    syllables = np.clip(np.sin(2 * np.pi * 3.0 * t), 0, None) ** 2 * rng.uniform(0.3, 1.0, size=len(t)).mean()
    loud = np.where((t % 2.0) < 1.6, 1.0, 0.0)  # 0.4 s pauses every 2 s
    accent = 1 + 2.0 * ((t % 1.0) < 0.15)  # a few much louder syllables
    return (0.05 * voiced * syllables * loud * accent + 0.0005 * rng.standard_normal(len(t))).astype(np.float32)


def test_the_true_peak_meter_sees_peaks_between_samples() -> None:
    # A quarter-rate sine sampled at +-45 degrees: samples peak at 0.707, the wave at 1.0.
    n = np.arange(RATE)
    pcm = np.sin(2 * np.pi * (RATE / 4) * n / RATE + np.pi / 4).astype(np.float32) * 0.5
    assert 20 * np.log10(np.abs(pcm).max()) == pytest.approx(-9.03, abs=0.1)
    assert true_peak_dbtp(pcm, RATE) == pytest.approx(-6.02, abs=0.3)


@pytest.mark.parametrize(
    ("seconds", "rate", "lead_silence_s"), [(6.0, RATE, 0.0), (0.41, RATE, 0.0), (3.3, 48000, 0.0), (2.0, 22050, 1.0)]
)
def test_integrated_loudness_is_pyloudnorms(seconds: float, rate: int, lead_silence_s: float) -> None:
    # The meter gates its blocks as arrays; pyloudnorm, the reference, loops over them.
    pcm = np.concatenate([np.zeros(int(lead_silence_s * rate), np.float32), speechlike(seconds)[: int(seconds * rate)]])
    reference = pyloudnorm.Meter(rate).integrated_loudness(pcm.astype(np.float64))
    assert integrated_loudness(pcm, rate) == pytest.approx(reference, abs=1e-9)


def test_silence_and_audio_under_a_block_have_no_loudness() -> None:
    assert integrated_loudness(np.zeros(RATE, np.float32), RATE) == -np.inf
    assert integrated_loudness(speechlike()[: int(0.39 * RATE)], RATE) == -np.inf


def whole_signal_peaks(pcm: np.ndarray) -> np.ndarray:
    """Each sample's 4x-oversampled peak from oversampling all of `pcm` (what `sample_peaks` spares)."""
    up = np.abs(oversampled(pcm, RATE))
    return np.max([up[phase : 4 * len(pcm) : 4] for phase in range(4)], axis=0)


@pytest.mark.parametrize("peak", [0.8, 1.0, 3.0])
def test_peaks_near_a_level_are_the_whole_signals(peak: float) -> None:
    # Oversampled only around the samples near the level; a quiet stretch between loud ones stays quiet.
    loud = speechlike(3.0)
    loud *= peak / np.abs(loud).max()
    pcm = np.concatenate([speechlike(2.0, seed=3), loud, np.zeros(500, np.float32)])
    level = float(10 ** (-2.0 / 20))
    whole, near = whole_signal_peaks(pcm), sample_peaks(pcm, RATE, level)
    close = whole >= level * 0.9
    assert close.any()
    assert np.allclose(near[close], whole[close], rtol=0, atol=1e-6)
    assert np.array_equal(near > level, whole > level)
    assert true_peak_dbtp(pcm, RATE) == pytest.approx(20 * np.log10(whole.max()), abs=1e-4)


def test_the_limiter_holds_its_ceiling_and_leaves_quiet_audio_alone() -> None:
    pcm = speechlike() * 8  # peaks far above full scale
    limited = limit_true_peak(pcm, RATE, -2.0)
    assert true_peak_dbtp(limited, RATE) <= -2.0 + 0.05
    quiet = speechlike() * 0.1
    assert np.allclose(limit_true_peak(quiet, RATE, -2.0), quiet)


def test_the_phase_rotator_lowers_peaks_without_changing_the_level() -> None:
    pcm = speechlike()
    rotated = rotate_phase(pcm, RATE)
    assert np.sqrt(np.mean(rotated**2)) == pytest.approx(np.sqrt(np.mean(pcm**2)), rel=0.02)
    assert true_peak_dbtp(rotated, RATE) < true_peak_dbtp(pcm, RATE)


def test_the_compressor_brings_loud_syllables_down() -> None:
    pcm = speechlike()
    squeezed = compress(pcm, RATE)
    peak_to_loudness = true_peak_dbtp(pcm, RATE) - integrated_loudness(pcm, RATE)
    assert true_peak_dbtp(squeezed, RATE) - integrated_loudness(squeezed, RATE) < peak_to_loudness - 1.0


def test_master_reaches_the_target_loudness_under_the_ceiling() -> None:
    mastered = master(speechlike(), RATE, target_lufs=-16.0, ceiling_dbtp=-2.0)
    assert integrated_loudness(mastered, RATE) == pytest.approx(-16.0, abs=0.2)
    assert true_peak_dbtp(mastered, RATE) <= -2.0 + 0.05


@pytest.mark.parametrize("kbps", [32, 64])
def test_the_decoded_mp3_meets_loudness_and_true_peak(kbps: int) -> None:
    pcm = speechlike()
    result = encode_mastered_frames(pcm, RATE, kbps=kbps)
    decoded, rate = decode_frames(result.frames)
    assert integrated_loudness(decoded, rate) == pytest.approx(-16.0, abs=0.5)
    assert true_peak_dbtp(decoded, rate) <= -1.0
    assert result.true_peak_dbtp == pytest.approx(true_peak_dbtp(decoded, rate), abs=0.01)
    # The loudness is the decoded speech's, without the codec's delay and padding (their silence
    # shifts the meter's 400 ms blocks: about 0.01 LU here).
    start = LAME_ENCODER_DELAY + DECODER_DELAY
    assert result.loudness_lufs == pytest.approx(integrated_loudness(decoded[start : start + len(pcm)], rate), abs=0.01)


def test_a_block_shorter_than_the_meters_400_ms_is_brought_to_the_target_too() -> None:
    word = speechlike()[: int(0.3 * RATE)] * 0.1  # a quiet one-word heading
    result = encode_mastered_frames(word, RATE, kbps=64)
    assert result.loudness_lufs == pytest.approx(-16.0, abs=0.5)
    decoded, rate = decode_frames(result.frames)
    assert true_peak_dbtp(decoded, rate) <= -1.0
