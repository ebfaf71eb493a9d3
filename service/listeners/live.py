"""Audio streamed while it is being made: segments from the cache, in order, encoded on the fly.

Used by the live stream of a running narration and by direct synthesis
(/v1/audio/speech). The API never synthesizes: it waits for workers to put
segments in the cache, then levels each one, inserts the pauses and encodes
the stream as it goes (MP3 frames, WAV or raw PCM). The finished narration is
made of each block mastered and encoded once by the workers (workers/audio/parts.py);
this stream is the preview.
"""

from __future__ import annotations

import asyncio
import io
import struct
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Protocol

import lameenc
import numpy as np
import pyloudnorm
import soundfile as sf
import soxr
from fastapi.concurrency import run_in_threadpool

from service.core.db import session_scope
from service.core.errors import NarratorError
from service.core.settings import Settings
from service.core.storage import Storage
from service.segments.plan import segment_states

POLL_S = 0.15
TARGET_LUFS = -16.0
PEAK_CEILING = 10 ** (-1.5 / 20)


class StreamFailed(NarratorError):
    code, status, title = "synthesis_failed", 500, "A part of the audio could not be made"


@dataclass(frozen=True)
class Piece:
    """One segment of the stream and the silence that follows it."""

    key: str
    pause_ms: int


class Encoder(Protocol):
    media_type: str

    def start(self, sample_rate: int) -> bytes: ...
    def encode(self, pcm: np.ndarray) -> bytes: ...
    def finish(self) -> bytes: ...


class Mp3Encoder:
    """Streaming MP3 (LAME) at the segments' own rate, mono, CBR."""

    media_type = "audio/mpeg"

    def __init__(self, kbps: int = 64) -> None:
        self.kbps = kbps
        self._lame: lameenc.Encoder | None = None

    def start(self, sample_rate: int) -> bytes:
        self._lame = lameenc.Encoder()
        self._lame.set_bit_rate(self.kbps)
        self._lame.set_in_sample_rate(sample_rate)
        self._lame.set_channels(1)
        self._lame.set_quality(5)
        return b""

    def encode(self, pcm: np.ndarray) -> bytes:
        assert self._lame is not None
        return bytes(self._lame.encode(to_int16(pcm).tobytes()))

    def finish(self) -> bytes:
        assert self._lame is not None
        return bytes(self._lame.flush())


class PcmEncoder:
    """Raw 16-bit little-endian mono PCM at a fixed rate (OpenAI's `pcm`: 24 kHz)."""

    media_type = "audio/pcm"

    def __init__(self, rate: int = 24000) -> None:
        self.rate = rate
        self._from = rate

    def start(self, sample_rate: int) -> bytes:
        self._from = sample_rate
        return b""

    def encode(self, pcm: np.ndarray) -> bytes:
        if self._from != self.rate:
            pcm = soxr.resample(pcm, self._from, self.rate)
        return to_int16(pcm).tobytes()

    def finish(self) -> bytes:
        return b""


class WavEncoder(PcmEncoder):
    """A WAV stream: a header with unknown (maximal) sizes, then 16-bit PCM, as streaming servers send it."""

    media_type = "audio/wav"

    def __init__(self) -> None:
        super().__init__(rate=0)

    def start(self, sample_rate: int) -> bytes:
        self.rate = self._from = sample_rate
        unknown = 0xFFFFFFFF
        return (
            b"RIFF"
            + struct.pack("<I", unknown)
            + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16)
            + b"data"
            + struct.pack("<I", unknown)
        )


def to_int16(pcm: np.ndarray) -> np.ndarray:
    return (np.clip(pcm, -1.0, 1.0) * 32767.0).astype("<i2")


def level(pcm: np.ndarray, rate: int) -> np.ndarray:
    """Bring one segment near the broadcast loudness without clipping (one gain per segment)."""
    if len(pcm) < int(0.5 * rate):
        return pcm
    loudness = pyloudnorm.Meter(rate).integrated_loudness(pcm.astype(np.float64))
    if not np.isfinite(loudness):
        return pcm
    gain = 10 ** ((TARGET_LUFS - loudness) / 20)
    peak = float(np.max(np.abs(pcm))) or 1.0
    return (pcm * min(gain, PEAK_CEILING / peak)).astype(np.float32)


def _read(storage: Storage, key: str) -> tuple[np.ndarray, int]:
    data, rate = sf.read(io.BytesIO(storage.get_bytes(key)), dtype="float32")
    return data, int(rate)


async def stream_pieces(
    settings: Settings,
    storage: Storage,
    pieces: Callable[[], list[Piece] | None],
    encoder: Encoder,
    *,
    timeout_s: float = 1800.0,
) -> AsyncIterator[bytes]:
    """Yield encoded audio for each piece as soon as its segment is done, in order.

    `pieces` is asked again while it answers None (a plan not made yet).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    plan = await run_in_threadpool(pieces)
    while plan is None:
        if loop.time() > deadline:
            return
        await asyncio.sleep(POLL_S)
        plan = await run_in_threadpool(pieces)
    started, stream_rate = False, 0
    for index, piece in enumerate(plan):
        segment = None
        while True:
            states = await run_in_threadpool(_states, settings, [piece.key])
            segment = states.get(piece.key)
            if segment is not None and segment[0] == "done":
                break
            if segment is not None and segment[0] == "failed":
                raise StreamFailed(segment[2] or "segment failed")
            if loop.time() > deadline:
                return
            await asyncio.sleep(POLL_S)
        pcm, rate = await run_in_threadpool(_read, storage, segment[1])
        if not started:
            yield encoder.start(rate)
            started, stream_rate = True, rate
        elif rate != stream_rate:  # a section voice with another sample rate
            pcm, rate = soxr.resample(pcm, rate, stream_rate).astype(np.float32), stream_rate
        pcm = level(pcm, rate)
        if index < len(plan) - 1 and piece.pause_ms:
            pcm = np.concatenate([pcm, np.zeros(int(rate * piece.pause_ms / 1000), dtype=np.float32)])
        chunk = await run_in_threadpool(encoder.encode, pcm)
        if chunk:
            yield chunk
    if started:
        tail = encoder.finish()
        if tail:
            yield tail


def _states(settings: Settings, keys: list[str]) -> dict[str, tuple[str, str | None, str | None]]:
    with session_scope(settings.database_url) as session:
        return {k: (s.status, s.audio_key, s.error_message) for k, s in segment_states(session, keys).items()}
