"""MP3 encoding and decoding through libsndfile (LAME and mpg123 inside).

libsndfile writes a Xing "Info" frame with a LAME tag (encoder delay and
padding), so players show the exact duration and gapless decoders return
exactly the samples that were encoded. The whole narration is encoded once
from PCM; encoded chunks are never concatenated.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from workers.audio.xing import add_info_frame

# libsndfile maps compression level 0..1 linearly onto LAME's 320..32 kbit/s
# (MPEG-1 layer III) in constant-bitrate mode.
_MAX_KBPS, _MIN_KBPS = 320, 32
MP3_SAMPLE_RATES = (32000, 44100, 48000)
# libsndfile hands LAME its float samples at 0.95 of full scale (the decoder
# returns them 0.45 dB quieter than they went in); the encoder input is
# raised by the inverse so the decoded level is the mastered one.
ENCODER_GAIN = 0.95


def compression_level_for(kbps: int) -> float:
    """The libsndfile compression level that yields `kbps` CBR."""
    if not _MIN_KBPS <= kbps <= _MAX_KBPS:
        raise ValueError(f"bitrate {kbps} kbit/s outside {_MIN_KBPS}..{_MAX_KBPS}")
    # Level 1.0 is rejected by libsndfile; a hair below still gives 32 kbit/s.
    return min((_MAX_KBPS - kbps) / (_MAX_KBPS - _MIN_KBPS), 0.9999)


def encode_mp3(pcm: np.ndarray, sample_rate: int, path: Path, *, kbps: int = 64) -> None:
    """Encode mono float32 PCM to a CBR MP3 file at `path`."""
    if sample_rate not in MP3_SAMPLE_RATES:
        raise ValueError(f"MPEG-1 layer III needs one of {MP3_SAMPLE_RATES} Hz, got {sample_rate}")
    data = np.clip(pcm.astype(np.float32, copy=False) / ENCODER_GAIN, -1.0, 1.0)
    sf.write(
        str(path),
        data,
        sample_rate,
        format="MP3",
        subtype="MPEG_LAYER_III",
        bitrate_mode="CONSTANT",
        compression_level=compression_level_for(kbps),
    )
    # Below 56 kbit/s LAME has no room for its Info frame; put one in.
    add_info_frame(path, len(data), kbps)


def decode_mp3(path: Path) -> tuple[np.ndarray, int]:
    """Decode an MP3 file to mono float32 PCM and its sample rate."""
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return data.mean(axis=1), int(rate)


def header_duration_s(path: Path) -> float:
    """The duration a player reads from the file's headers."""
    info = sf.info(str(path))
    return info.frames / float(info.samplerate)
