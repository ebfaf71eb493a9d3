"""Audio encoded as it is made: the live stream of a running narration and /v1/audio/speech.

The API streams segments as workers finish them (service/listeners/live.py);
this module turns each one into bytes of the stream. A segment is mastered by
the chain the final file's parts go through (service/audio/master.py: the same
loudness target and true-peak ceiling, without the check on the decoded
audio), followed by its pause (service/segments/pauses.py), and handed to one
running encoder: MP3 frames from the final file's LAME setup
(service/audio/mp3.py), WAV or raw 16-bit PCM. Each encoder resamples to its
own output rate with the pipeline's resampler (service/audio/pcm.py).

The API process imports this module: it must never import a TTS library. The
mastering chain (scipy and pyloudnorm, about 85 MB resident) is imported by
the first segment mastered, not with this module: an API that no one listens
to live stays small (bench/memory.py).
"""

from __future__ import annotations

import struct
from typing import Protocol

import lameenc
import numpy as np

from service.audio.mp3 import lame_encoder, lame_input
from service.audio.pcm import resample, silence, to_int16


class StreamEncoder(Protocol):
    """Encodes a stream of mono float32 PCM as it comes; each call returns the bytes ready to send."""

    media_type: str

    def start(self, sample_rate: int) -> bytes:
        """Begin a stream whose first audio is at `sample_rate`; returns its header, if any."""
        ...

    def encode(self, pcm: np.ndarray, sample_rate: int) -> bytes: ...
    def finish(self) -> bytes: ...


class Mp3Stream:
    """Streaming MP3: mono CBR MPEG-1 Layer III at `sample_rate`, encoded as the final file's parts are."""

    media_type = "audio/mpeg"

    def __init__(self, kbps: int = 64, sample_rate: int = 44100) -> None:
        self.kbps, self.sample_rate = kbps, sample_rate
        self._lame: lameenc.Encoder | None = None

    def start(self, sample_rate: int) -> bytes:
        self._lame = lame_encoder(self.sample_rate, self.kbps)
        return b""

    def encode(self, pcm: np.ndarray, sample_rate: int) -> bytes:
        assert self._lame is not None, "start() first"
        return bytes(self._lame.encode(lame_input(resample(pcm, sample_rate, self.sample_rate))))

    def finish(self) -> bytes:
        assert self._lame is not None, "start() first"
        return bytes(self._lame.flush())


class PcmStream:
    """Raw 16-bit little-endian mono PCM at a fixed rate (OpenAI's `pcm`: 24 kHz)."""

    media_type = "audio/pcm"

    def __init__(self, sample_rate: int = 24000) -> None:
        self.sample_rate = sample_rate

    def start(self, sample_rate: int) -> bytes:
        return b""

    def encode(self, pcm: np.ndarray, sample_rate: int) -> bytes:
        return to_int16(resample(pcm, sample_rate, self.sample_rate)).tobytes()

    def finish(self) -> bytes:
        return b""


class WavStream(PcmStream):
    """A WAV stream at the rate of its first audio: a header with unknown (maximal) sizes, then 16-bit PCM."""

    media_type = "audio/wav"

    def __init__(self) -> None:
        super().__init__(sample_rate=0)

    def start(self, sample_rate: int) -> bytes:
        self.sample_rate = sample_rate
        unknown = 0xFFFFFFFF
        return (
            b"RIFF"
            + struct.pack("<I", unknown)
            + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16)
            + b"data"
            + struct.pack("<I", unknown)
        )


def prepare_mastering() -> None:
    """Import the mastering chain now (about a second): a stream calls this while it waits for its first
    segment, so a listener's first bytes do not wait for the import as well."""
    import service.audio.master  # noqa: F401


def mastered(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    """A segment at the final file's loudness, its true peaks under the file's ceiling before encoding."""
    from service.audio.master import ENCODER_MARGIN_DB, master
    from service.audio.targets import MAX_TRUE_PEAK_DBTP, TARGET_LUFS

    if len(pcm) == 0:
        return pcm.astype(np.float32, copy=False)
    return master(pcm, sample_rate, target_lufs=TARGET_LUFS, ceiling_dbtp=MAX_TRUE_PEAK_DBTP - ENCODER_MARGIN_DB)


def encode_segment(encoder: StreamEncoder, pcm: np.ndarray, sample_rate: int, pause_ms: int) -> bytes:
    """One segment of the stream, mastered, then its pause: the bytes the encoder has ready."""
    audio = np.concatenate([mastered(pcm, sample_rate), silence(pause_ms, sample_rate)])
    return encoder.encode(audio, sample_rate)
