"""Segment audio in storage: a block's PCM as FLAC (lossless, compact) beside its timings in the record,
and its encoded parts (MPEG frames, one per output format) that narrations join."""

from __future__ import annotations

import hashlib
import io
import json
import math

import numpy as np
import soundfile as sf

from service.audio.parts import EncodedPart
from service.core.models import Segment, SegmentPart
from service.core.storage import Storage
from workers.narration.blocks import BlockAudio
from workers.narration.render import Mastering


def store_block(storage: Storage, block: BlockAudio) -> str:
    """Store a block's PCM losslessly (24-bit FLAC); returns its storage key."""
    buffer = io.BytesIO()
    sf.write(buffer, block.pcm, block.sample_rate, format="FLAC", subtype="PCM_24")
    return storage.put_bytes(buffer.getvalue(), "flac").key


def load_block(storage: Storage, segment: Segment) -> BlockAudio:
    """The cached block audio of a done segment."""
    assert segment.audio_key and segment.timings
    pcm, _rate = sf.read(io.BytesIO(storage.get_bytes(segment.audio_key)), dtype="float32")
    return BlockAudio.from_timings(segment.timings, np.asarray(pcm, dtype=np.float32))


# Bump when the way a part is mastered or encoded changes, so old parts are made again.
PART_FORMAT = 2  # 2: mastered at the voice's rate, then resampled


def part_key(
    block_audio_key: str, *, sample_rate: int, kbps: int, mastering: Mastering, first: bool = False, last: bool = False
) -> str:
    """The key of a segment's encoded part: the block audio it is made from and everything about the output.

    Keyed by the stored block audio, not the segment: a segment synthesized
    again (a forced re-narration; the voice is random) gets new parts.
    """
    intro, outro = (mastering.intro if first else None), (mastering.outro if last else None)
    facts = {
        "format": PART_FORMAT,
        "block_audio": block_audio_key,
        "sample_rate": sample_rate,
        "kbps": kbps,
        "target_lufs": mastering.target_lufs,
        "max_true_peak_dbtp": mastering.max_true_peak_dbtp,
        # Intro and outro are content-addressed in storage: their files are named by their keys (digests).
        "intro": intro.name if intro else None,
        "outro": outro.name if outro else None,
        "crossfade_ms": mastering.crossfade_ms if intro or outro else None,
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode("utf-8")).hexdigest()


def store_part(storage: Storage, key: str, segment_key: str, part: EncodedPart) -> SegmentPart:
    """Store a part's frames; the record that finds them again by `key`."""
    stored = storage.put_bytes(part.frames, "mpa")  # bare MPEG frames, not a file to play
    return SegmentPart(
        key=key,
        segment_key=segment_key,
        audio_key=stored.key,
        frame_count=part.frame_count,
        samples=part.samples,
        sample_rate=part.sample_rate,
        lead_in=part.lead_in,
        loudness_lufs=part.loudness_lufs,
        true_peak_dbtp=part.true_peak_dbtp,
    )


def load_part(storage: Storage, record: SegmentPart) -> EncodedPart:
    """A stored part, ready to join; ObjectNotFound if its frames are gone."""
    return EncodedPart(
        frames=storage.get_bytes(record.audio_key),
        frame_count=record.frame_count,
        samples=record.samples,
        sample_rate=record.sample_rate,
        lead_in=record.lead_in,
        loudness_lufs=record.loudness_lufs if record.loudness_lufs is not None else -math.inf,
        true_peak_dbtp=record.true_peak_dbtp if record.true_peak_dbtp is not None else -math.inf,
    )
