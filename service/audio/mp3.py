"""MP3 encoding (LAME through lameenc) and decoding (libsndfile's mpg123).

`encode_frames` gives bare MPEG frames, the unit narrations are joined from
(service/audio/parts.py); `encode_mp3` writes a whole file: the frames behind a
Xing "Info" frame with a LAME tag (encoder delay and padding), so players show
the exact duration and gapless decoders return exactly the samples encoded.
The live stream (service/audio/stream.py) feeds the same encoder, set up by
`lame_encoder`, with the same input (`lame_input`), as it goes.
"""

from __future__ import annotations

import io
from pathlib import Path

import lameenc
import numpy as np
import soundfile as sf

from service.audio.pcm import to_int16
from service.audio.xing import LAME_ENCODER_DELAY, SAMPLES_PER_FRAME, info_frame

_MIN_KBPS, _MAX_KBPS = 32, 320
MP3_SAMPLE_RATES = (32000, 44100, 48000)
# LAME encodes at 0.95 of the level it is given (decoders return it 0.45 dB
# quieter, measured with mpg123 and minimp3 alike): the input is raised by the
# inverse so the decoded level is the mastered one.
ENCODER_GAIN = 0.95
# LAME's own default for its command line (-q 3): near-best quality at a third of -q 0's time.
LAME_QUALITY = 3
# The decoder's own delay: a stream must be padded at least this much for its last samples to come out.
DECODER_DELAY = 529


def _check(sample_rate: int, kbps: int) -> None:
    if sample_rate not in MP3_SAMPLE_RATES:
        raise ValueError(f"MPEG-1 layer III needs one of {MP3_SAMPLE_RATES} Hz, got {sample_rate}")
    if not _MIN_KBPS <= kbps <= _MAX_KBPS:
        raise ValueError(f"bitrate {kbps} kbit/s outside {_MIN_KBPS}..{_MAX_KBPS}")


def lame_encoder(sample_rate: int, kbps: int) -> lameenc.Encoder:
    """A LAME encoder for mono CBR MPEG-1 Layer III at `sample_rate` (one of MP3_SAMPLE_RATES)."""
    _check(sample_rate, kbps)
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_out_sample_rate(sample_rate)  # else LAME resamples low bitrates (MPEG-2 at 22.05 kHz)
    encoder.set_channels(1)
    encoder.set_quality(LAME_QUALITY)
    return encoder


def lame_input(pcm: np.ndarray) -> bytes:
    """Mono float32 PCM as the 16-bit samples LAME takes, raised by 1 / ENCODER_GAIN."""
    return to_int16(pcm.astype(np.float32, copy=False) / ENCODER_GAIN).tobytes()


def encode_frames(pcm: np.ndarray, sample_rate: int, *, kbps: int = 64) -> bytes:
    """Mono float32 PCM as CBR MPEG-1 Layer III frames (no Info frame).

    LAME puts its encoder delay before the samples and pads the last frame
    (floor((delay + samples) / 1152) + 1 frames). The padding must hold the
    decoder's delay for the last samples to come out; where it would not, a
    frame of silence is added.
    """
    encoder = lame_encoder(sample_rate, kbps)
    data = pcm.astype(np.float32, copy=False)
    padding = SAMPLES_PER_FRAME - (LAME_ENCODER_DELAY + len(data)) % SAMPLES_PER_FRAME
    if padding < DECODER_DELAY:
        data = np.concatenate([data, np.zeros(padding, dtype=np.float32)])
    return bytes(encoder.encode(lame_input(data))) + bytes(encoder.flush())


def encode_mp3(pcm: np.ndarray, sample_rate: int, path: Path, *, kbps: int = 64) -> None:
    """Encode mono float32 PCM to a CBR MP3 file at `path`, with its Info frame."""
    frames = encode_frames(pcm, sample_rate, kbps=kbps)
    path.write_bytes(info_frame(frames, len(pcm), kbps) + frames)


def decode_mp3(path: Path) -> tuple[np.ndarray, int]:
    """Decode an MP3 file to mono float32 PCM and its sample rate."""
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return data.mean(axis=1), int(rate)


def decode_frames(frames: bytes) -> tuple[np.ndarray, int]:
    """Decode bare MPEG frames (no Info frame: the encoder's delay and padding stay in)."""
    data, rate = sf.read(io.BytesIO(frames), dtype="float32", always_2d=True)
    return data.mean(axis=1), int(rate)


def header_duration_s(path: Path) -> float:
    """The duration a player reads from the file's headers."""
    info = sf.info(str(path))
    frames: int = info.frames  # soundfile is untyped
    return frames / float(info.samplerate)
