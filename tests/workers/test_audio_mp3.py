"""MP3 encoding: mono 44.1 kHz CBR with a Xing/LAME header, exact length, level kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from mutagen.mp3 import MP3, BitrateMode

from service.audio.mp3 import decode_mp3, encode_mp3, header_duration_s

RATE = 44100


def tone(seconds: float, level: float = 0.3, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (level * np.sin(2 * np.pi * hz * t)).astype(np.float32)


@pytest.mark.parametrize("kbps", [32, 64, 128])
def test_the_file_is_mono_44k_constant_bitrate_with_a_lame_header(tmp_path: Path, kbps: int) -> None:
    path = tmp_path / "a.mp3"
    encode_mp3(tone(2.0), RATE, path, kbps=kbps)
    info = MP3(path).info
    assert (info.sample_rate, info.channels) == (RATE, 1)
    assert info.bitrate_mode == BitrateMode.CBR
    assert round(info.bitrate / 1000) == kbps
    assert info.encoder_info.startswith("LAME")  # the Xing/Info frame with a LAME tag


def test_decoding_returns_exactly_the_encoded_samples_and_the_header_says_so(tmp_path: Path) -> None:
    path = tmp_path / "a.mp3"
    pcm = tone(3.217)
    encode_mp3(pcm, RATE, path, kbps=64)
    decoded, rate = decode_mp3(path)
    assert rate == RATE and len(decoded) == len(pcm)
    assert header_duration_s(path) == pytest.approx(len(pcm) / RATE, abs=1e-6)
    assert sf.info(str(path)).frames == len(pcm)


def test_the_decoded_level_is_the_encoded_level(tmp_path: Path) -> None:
    # LAME encodes at 0.95 of the level it is given; encode_mp3 makes up for it.
    path = tmp_path / "a.mp3"
    pcm = tone(2.0, level=0.5, hz=1000)
    encode_mp3(pcm, RATE, path, kbps=64)
    decoded, _ = decode_mp3(path)
    middle = slice(RATE // 2, 3 * RATE // 2)
    ratio = np.sqrt(np.mean(decoded[middle] ** 2) / np.mean(pcm[middle] ** 2))
    assert ratio == pytest.approx(1.0, abs=0.01)


def test_bitrates_outside_the_mp3_range_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        encode_mp3(tone(0.5), RATE, tmp_path / "a.mp3", kbps=16)


def test_low_bitrates_get_the_info_frame_lame_leaves_out(tmp_path: Path) -> None:
    from service.audio.xing import crc16, has_info_frame

    path = tmp_path / "a.mp3"
    pcm = tone(1.5)
    encode_mp3(pcm, RATE, path, kbps=32)
    stream = path.read_bytes()
    assert has_info_frame(stream)
    # The tag's own checksum, as players that verify it compute it (mono: 175 bytes before it).
    assert crc16(stream[:175]) == int.from_bytes(stream[175:177], "big")
    assert len(decode_mp3(path)[0]) == len(pcm)
