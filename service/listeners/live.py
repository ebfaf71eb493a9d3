"""Audio streamed while it is being made: segments from the cache, in order, encoded on the fly.

Used by the live stream of a running narration and by direct synthesis
(/v1/audio/speech). The API never synthesizes: it waits for workers to put
segments in the cache, then masters each one, adds the pause after it and
encodes the stream as it goes, with service/audio/stream.py (MP3 frames, WAV
or raw PCM). The pauses are the final file's (service/segments/pauses.py);
the finished narration is made of each block mastered and encoded once by the
workers (service/audio/parts.py): this stream is its preview.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import numpy as np
from fastapi.concurrency import run_in_threadpool

from service.audio.pcm import read_pcm
from service.audio.stream import StreamEncoder, encode_segment, prepare_mastering
from service.core.db import session_scope
from service.core.errors import NarratorError
from service.core.settings import Settings
from service.core.storage import Storage
from service.segments.plan import segment_states

POLL_S = 0.15


class StreamFailed(NarratorError):
    code, status, title = "synthesis_failed", 500, "A part of the audio could not be made"


@dataclass(frozen=True)
class Piece:
    """One segment of the stream and the silence that follows it (0 after the last)."""

    key: str
    pause_ms: int


async def stream_pieces(
    settings: Settings,
    storage: Storage,
    pieces: Callable[[], list[Piece] | None],
    encoder: StreamEncoder,
    *,
    timeout_s: float = 1800.0,
) -> AsyncIterator[bytes]:
    """Yield encoded audio for each piece as soon as its segment is done, in order.

    `pieces` is asked again while it answers None (a plan not made yet).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    preparing = loop.run_in_executor(None, prepare_mastering)  # overlaps the wait for the first segment
    plan = await run_in_threadpool(pieces)
    while plan is None:
        if loop.time() > deadline:
            return
        await asyncio.sleep(POLL_S)
        plan = await run_in_threadpool(pieces)
    started = False
    for piece in plan:
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
            await preparing
            yield encoder.start(rate)
            started = True
        chunk = await run_in_threadpool(encode_segment, encoder, pcm, rate, piece.pause_ms)
        if chunk:
            yield chunk
    if started:
        tail = encoder.finish()
        if tail:
            yield tail


def _read(storage: Storage, key: str | None) -> tuple[np.ndarray, int]:
    assert key is not None, "a done segment has audio"
    return read_pcm(storage.get_bytes(key))


def _states(settings: Settings, keys: list[str]) -> dict[str, tuple[str, str | None, str | None]]:
    with session_scope(settings.database_url) as session:
        return {k: (s.status, s.audio_key, s.error_message) for k, s in segment_states(session, keys).items()}
