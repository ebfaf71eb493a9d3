"""A segment's part: its audio mastered and encoded once for the output, stored, and remembered.

The worker that synthesizes a segment makes its part at once; the assembly
takes each block's part from the cache and makes only what is missing (a
narration's first and last blocks carry the intro and outro, so theirs differ).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from service.audio.parts import EncodedPart
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import ObjectNotFound, Storage
from service.segments import plan as segments
from workers.narration.blocks import BlockAudio
from workers.narration.render import Mastering, PartSource, block_part
from workers.narration.segment_store import load_part, part_key, store_part


def make_part(
    settings: Settings,
    storage: Storage,
    segment_key: str,
    block_audio_key: str,
    block: BlockAudio,
    mastering: Mastering,
    *,
    first: bool = False,
    last: bool = False,
) -> EncodedPart:
    """Master and encode a segment for the configured output, store its frames and remember where."""
    rate, kbps = settings.output_sample_rate, settings.mp3_bitrate_kbps
    key = part_key(block_audio_key, sample_rate=rate, kbps=kbps, mastering=mastering, first=first, last=last)
    part = block_part(block, sample_rate=rate, kbps=kbps, mastering=mastering, first=first, last=last)
    record = store_part(storage, key, segment_key, part)
    try:
        with session_scope(settings.database_url) as session:
            segments.save_part(session, record)
    except IntegrityError:
        pass  # another worker remembered the same part first: same key, same frames
    return part


def cached_parts(
    settings: Settings, storage: Storage, planned: list[tuple[str, str]], mastering: Mastering
) -> PartSource:
    """Where the assembly takes each block's part: the cache, else made now (and cached).

    `planned` holds each block's (segment key, stored block audio key).
    """
    rate, kbps = settings.output_sample_rate, settings.mp3_bitrate_kbps

    def part_for(index: int, block: BlockAudio, first: bool, last: bool) -> EncodedPart:
        segment_key, audio_key = planned[index]
        key = part_key(audio_key, sample_rate=rate, kbps=kbps, mastering=mastering, first=first, last=last)
        with session_scope(settings.database_url) as session:
            record = segments.get_part(session, key)
        if record is not None:
            try:
                return load_part(storage, record)  # one request, not a check and a read
            except ObjectNotFound:
                pass  # its frames were removed: made again below
        return make_part(settings, storage, segment_key, audio_key, block, mastering, first=first, last=last)

    return part_for
