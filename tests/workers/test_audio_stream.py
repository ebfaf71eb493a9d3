"""The streaming encoders (service/audio/stream.py): what the live stream and /v1/audio/speech send."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
import soundfile as sf

from service.audio.loudness import integrated_loudness, true_peak_dbtp
from service.audio.stream import Mp3Stream, PcmStream, WavStream, encode_segment, mastered
from service.audio.targets import MAX_TRUE_PEAK_DBTP, TARGET_LUFS
from service.audio.xing import LAME_ENCODER_DELAY

RATE = 22050


def _speechlike(seconds: float, level: float = 0.05) -> np.ndarray:
    """A tone with a syllable-rate envelope: something the mastering chain can level."""
    t = np.arange(int(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * 220 * t) * np.sin(np.pi * 4 * t) ** 2).astype(np.float32)


def test_a_segment_is_mastered_to_the_file_s_loudness_and_ceiling() -> None:
    out = mastered(_speechlike(3.0), RATE)
    assert len(out) == 3 * RATE
    assert integrated_loudness(out, RATE) == pytest.approx(TARGET_LUFS, abs=0.5)
    assert true_peak_dbtp(out, RATE) <= MAX_TRUE_PEAK_DBTP


def test_mp3_streams_at_the_output_rate_with_each_segment_and_its_pause() -> None:
    encoder = Mp3Stream(64, 44100)
    body = encoder.start(RATE)
    body += encode_segment(encoder, _speechlike(1.0), RATE, 500)
    body += encode_segment(encoder, _speechlike(0.5), RATE, 0)
    body += encoder.finish()
    decoded, rate = sf.read(io.BytesIO(body), dtype="float32")
    assert rate == 44100
    # No Info frame in a stream: the decoder returns LAME's delay and the last frame's padding too.
    expected = int((1.0 + 0.5 + 0.5) * 44100) + LAME_ENCODER_DELAY
    assert expected <= len(decoded) <= expected + 2 * 1152


def test_pcm_is_24_khz_16_bit_with_the_pause() -> None:
    encoder = PcmStream(24000)
    body = encoder.start(RATE) + encode_segment(encoder, _speechlike(1.0), RATE, 250) + encoder.finish()
    assert len(body) % 2 == 0 and abs(len(body) // 2 - 1.25 * 24000) <= 1


def test_wav_starts_with_a_header_at_the_first_segment_s_rate() -> None:
    encoder = WavStream()
    header = encoder.start(RATE)
    body = encode_segment(encoder, _speechlike(1.0), RATE, 0)
    assert header[:4] == b"RIFF" and header[8:16] == b"WAVEfmt "
    channels, rate = struct.unpack("<HI", header[22:28])
    assert (channels, rate) == (1, RATE)
    assert len(body) == 2 * RATE
