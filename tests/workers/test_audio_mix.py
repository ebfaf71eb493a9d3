"""Intro and outro: read without ffmpeg, loudness-matched, crossfaded, the speech itself untouched."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from service.audio.loudness import integrated_loudness
from service.audio.mix import with_intro_outro

RATE = 44100


def speech(seconds: float = 4.0) -> np.ndarray:
    rng = np.random.default_rng(3)
    return (0.1 * rng.standard_normal(int(RATE * seconds))).astype(np.float32)


def clip_file(path: Path, seconds: float, level: float, rate: int, channels: int = 1) -> Path:
    t = np.arange(int(rate * seconds)) / rate
    wave = level * np.sin(2 * np.pi * 330 * t)
    sf.write(str(path), np.stack([wave] * channels, axis=1) if channels > 1 else wave, rate)
    return path


def test_without_clips_the_speech_is_returned_as_is() -> None:
    pcm = speech()
    mixed = with_intro_outro(pcm, RATE)
    assert mixed.speech_offset_s == 0.0 and np.array_equal(mixed.pcm, pcm)


def test_the_intro_comes_first_and_fades_under_the_start_of_the_speech(tmp_path: Path) -> None:
    intro = clip_file(tmp_path / "intro.wav", 2.0, 0.9, 48000)
    pcm = speech()
    mixed = with_intro_outro(pcm, RATE, intro=intro, crossfade_ms=500)
    assert mixed.speech_offset_s == pytest.approx(1.5)
    assert len(mixed.pcm) == int(RATE * 1.5) + len(pcm)
    start = int(RATE * mixed.speech_offset_s)
    after_fade = slice(start + RATE // 2, start + len(pcm))
    assert np.allclose(mixed.pcm[after_fade], pcm[RATE // 2 :], atol=1e-6)


def test_the_outro_follows_the_speech_from_a_flac_file_in_stereo(tmp_path: Path) -> None:
    outro = clip_file(tmp_path / "outro.flac", 1.0, 0.5, 22050, channels=2)
    pcm = speech()
    mixed = with_intro_outro(pcm, RATE, outro=outro, crossfade_ms=200)
    assert mixed.speech_offset_s == 0.0
    assert len(mixed.pcm) == len(pcm) + int(RATE * 0.8)
    assert np.allclose(mixed.pcm[: len(pcm) - RATE // 5], pcm[: len(pcm) - RATE // 5], atol=1e-6)


def test_clips_are_matched_to_the_speech_loudness(tmp_path: Path) -> None:
    intro = clip_file(tmp_path / "intro.wav", 3.0, 0.02, RATE)  # much quieter than the speech
    pcm = speech()
    mixed = with_intro_outro(pcm, RATE, intro=intro, crossfade_ms=100)
    heard = mixed.pcm[: int(RATE * 2.5)]
    assert integrated_loudness(heard, RATE) == pytest.approx(integrated_loudness(pcm, RATE), abs=0.5)
