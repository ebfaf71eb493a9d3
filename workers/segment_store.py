"""Segment audio in storage: a block's PCM as FLAC (lossless, compact) beside its timings in the record."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

from service.models import Segment
from service.storage import Storage
from workers.pipeline import BlockAudio


def store_block(storage: Storage, block: BlockAudio) -> str:
    """Store a block's PCM losslessly (24-bit FLAC); returns its storage key."""
    buffer = io.BytesIO()
    sf.write(buffer, block.pcm, block.sample_rate, format="FLAC", subtype="PCM_24")
    return storage.put_bytes(buffer.getvalue(), "flac").key


def load_block(storage: Storage, segment: Segment) -> BlockAudio:
    """The cached block audio of a done segment."""
    assert segment.audio_key and segment.timings
    pcm, _rate = sf.read(str(storage.path(segment.audio_key)), dtype="float32")
    return BlockAudio.from_timings(segment.timings, np.asarray(pcm, dtype=np.float32))
