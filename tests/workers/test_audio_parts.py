"""Independently encoded parts joined frame by frame: exact positions, exact length, silent seams."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from mutagen.mp3 import MP3, BitrateMode

from service.audio.loudness import integrated_loudness, true_peak_dbtp
from service.audio.mp3 import decode_mp3, encode_frames
from service.audio.parts import (
    EncodedPart,
    encode_part,
    join_parts,
    pause_part,
    silent_part,
)
from service.audio.xing import SAMPLES_PER_FRAME, frame_offsets

RATE = 44100


def speechlike(seconds: float, seed: int) -> np.ndarray:
    """Syllable-like bursts of a harmonic tone, faded in and out like a synthesized block."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    pitch = 110 + 20 * rng.random()
    tone = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in range(1, 8))
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 2
    pcm = (0.2 * tone * envelope).astype(np.float32)
    fade = np.linspace(0, 1, 400, dtype=np.float32)
    pcm[:400] *= fade
    pcm[-400:] *= fade[::-1]
    return pcm


@pytest.fixture(scope="module", params=[64, 32])
def kbps(request: pytest.FixtureRequest) -> int:
    return int(request.param)


@pytest.fixture(scope="module")
def parts(kbps: int) -> list[EncodedPart]:
    return [encode_part(speechlike(s, seed), RATE, kbps=kbps) for seed, s in enumerate((1.3, 0.7, 2.1))]


@pytest.fixture(scope="module")
def joined(parts: list[EncodedPart], kbps: int, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("parts") / "joined.mp3"
    return join_parts(parts, path, kbps=kbps)


def test_each_part_is_mastered_on_its_own(parts: list[EncodedPart]) -> None:
    for part in parts:
        assert part.loudness_lufs == pytest.approx(-16.0, abs=0.3)
        assert part.true_peak_dbtp <= -1.0


def test_the_joined_file_decodes_to_exactly_the_length_its_header_announces(joined, kbps: int) -> None:  # type: ignore[no-untyped-def]
    pcm, rate = decode_mp3(joined.path)
    assert rate == RATE and len(pcm) == joined.samples
    assert sf.info(str(joined.path)).frames == joined.samples
    info = MP3(joined.path).info
    assert info.bitrate_mode == BitrateMode.CBR and round(info.bitrate / 1000) == kbps


def test_each_part_sounds_at_its_first_frame_exactly_as_it_does_alone(parts, joined, kbps, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    whole, _ = decode_mp3(joined.path)
    for index, (part, start) in enumerate(zip(parts, joined.starts, strict=True)):
        assert start == sum(p.frame_count for p in parts[:index]) * SAMPLES_PER_FRAME
        alone = join_parts([part], tmp_path / f"alone{index}.mp3", kbps=kbps)
        pcm, _ = decode_mp3(alone.path)
        placed = whole[start : start + part.samples]
        assert np.max(np.abs(placed - pcm)) < 1e-3


def test_a_part_is_heard_from_the_very_sample_its_timings_say(kbps: int, tmp_path: Path) -> None:
    pcm = speechlike(1.0, seed=7)
    frames = encode_frames(pcm, RATE, kbps=kbps)  # not mastered: the phase rotator delays low frequencies a little
    part = EncodedPart(frames, len(frame_offsets(frames)), len(pcm), RATE)
    silence = silent_part(5, RATE, kbps)
    joined = join_parts([silence, part, silence], tmp_path / "aligned.mp3", kbps=kbps)
    decoded, _ = decode_mp3(joined.path)
    start = joined.starts[1]
    window = decoded[start - 200 : start + len(pcm) + 200]
    # The lag at which the decoded audio matches the source best: none.
    lags = range(-200, 201)
    scores = [float(np.dot(window[200 + lag : 200 + lag + len(pcm)], pcm)) for lag in lags]
    assert lags[int(np.argmax(scores))] == 0


def test_the_joined_file_keeps_the_loudness_and_peak_of_its_parts(joined) -> None:  # type: ignore[no-untyped-def]
    pcm, rate = decode_mp3(joined.path)
    assert integrated_loudness(pcm, rate) == pytest.approx(-16.0, abs=0.5)
    assert true_peak_dbtp(pcm, rate) <= -1.0


def test_a_pause_part_makes_the_gap_to_the_next_part_within_half_a_frame(parts, kbps, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wanted = round(0.7 * RATE)
    pause = pause_part(parts[0], wanted, kbps)
    assert pause is not None
    joined = join_parts([parts[0], pause, parts[1]], tmp_path / "paused.mp3", kbps=kbps)
    gap = joined.starts[2] - (joined.starts[0] + parts[0].samples)
    assert abs(gap - wanted) <= SAMPLES_PER_FRAME // 2
    pcm, _ = decode_mp3(joined.path)
    assert np.abs(pcm[joined.starts[1] : joined.starts[2]]).max() < 1e-4  # silence (-80 dBFS)


@pytest.mark.parametrize("frames", [1, 2, 3, 9])
def test_a_silent_part_spans_the_frames_asked_for(frames: int) -> None:
    assert silent_part(frames, RATE, 64).frame_count == frames
