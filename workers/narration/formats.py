"""A finished narration in more formats (Opus, AAC): the same audio as its MP3, encoded on the MP3's timeline.

The MP3 is joined from parts that were mastered and encoded block by block
(workers/narration/render.py); no PCM of the whole narration exists. Here each
block goes through the same chain again (intro/outro mixed in, mastered to
the same loudness target and true-peak ceiling by service/audio/master.py,
resampled: `part_audio` in workers/narration/render.py) and is fed to every extra format's encoder at the
sample where its part begins in the decoded MP3, with digital silence between.
So every format has the MP3's length, pauses and loudness, and the captions,
marks and chapters made for the MP3 fit them all. Encoding from the mastered
PCM, not from the decoded MP3, spares the files a second lossy generation.

One block is held at a time (a long narration's PCM would be hundreds of MB);
each format is one streaming encoder writing its own file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from service.articles.records import FormatFile
from service.audio.codecs import CodecStream
from service.audio.formats import NarrationFormat
from service.audio.pcm import resample
from service.core.storage import Storage
from workers.narration.blocks import BlockAudio
from workers.narration.render import Mastering, RenderedNarration, part_audio

SILENCE_CHUNK = 1 << 16  # samples of silence handed to the encoders at once


@dataclass(frozen=True)
class EncodedFormat:
    """One extra format of a narration, written to `path`."""

    format: NarrationFormat
    path: Path


def mastered_block(block: BlockAudio, sample_rate: int, mastering: Mastering, *, first: bool, last: bool) -> np.ndarray:
    """A block as its MP3 part was mastered (at the rate `part_audio` gives, with the intro or outro, at the
    loudness target), resampled to `sample_rate`."""
    audio = part_audio(block, sample_rate, mastering, first=first, last=last)
    if len(audio.pcm) == 0:
        return np.zeros(0, dtype=np.float32)
    # The chain (scipy, pyloudnorm) is imported when first used, as by service/audio/parts.py.
    from service.audio.master import ENCODER_MARGIN_DB, master

    ceiling = mastering.max_true_peak_dbtp - ENCODER_MARGIN_DB  # the MP3's first try: room for the codec's overshoot
    mastered = master(audio.pcm, audio.sample_rate, target_lufs=mastering.target_lufs, ceiling_dbtp=ceiling)
    return resample(mastered, audio.sample_rate, sample_rate)


def encode_formats(
    blocks: Sequence[BlockAudio],
    rendered: RenderedNarration,
    mastering: Mastering,
    formats: Sequence[NarrationFormat],
    directory: Path,
) -> list[EncodedFormat]:
    """Write the narration in each of `formats` to `directory`, block by block on the MP3's timeline."""
    if not formats:
        return []
    if len(rendered.part_starts) != len(blocks):
        raise ValueError(f"{len(blocks)} blocks but {len(rendered.part_starts)} parts in the rendered MP3")
    rate = rendered.sample_rate
    encoders: list[tuple[NarrationFormat, CodecStream, Path]] = []
    for fmt in formats:
        assert fmt.codec is not None, f"{fmt.name} is not encoded here"
        path = directory / f"narration.{fmt.extension}"
        encoder = CodecStream(fmt.codec, path)
        encoder.start(rate)
        encoders.append((fmt, encoder, path))

    def feed(pcm: np.ndarray) -> None:
        for _fmt, encoder, _path in encoders:
            encoder.encode(pcm, rate)

    def silence(samples: int) -> None:
        for start in range(0, samples, SILENCE_CHUNK):
            feed(np.zeros(min(SILENCE_CHUNK, samples - start), dtype=np.float32))

    position, last = 0, len(blocks) - 1
    for index, (block, start) in enumerate(zip(blocks, rendered.part_starts, strict=True)):
        pcm = mastered_block(block, rate, mastering, first=index == 0, last=index == last)
        silence(start - position)
        if len(pcm):
            feed(pcm)
        position = start + len(pcm)
    silence(rendered.samples - position)
    for _fmt, encoder, _path in encoders:
        encoder.finish()
    return [EncodedFormat(fmt, path) for fmt, _encoder, path in encoders]


def store_formats(storage: Storage, encoded: Sequence[EncodedFormat]) -> tuple[FormatFile, ...]:
    """Store each encoded file content-addressed; what the narration record lists."""
    files = []
    for item in encoded:
        stored = storage.put_file(item.path, item.format.extension)
        files.append(FormatFile(item.format.name, stored.key, item.format.media_type, stored.size, stored.sha256))
    return tuple(files)
