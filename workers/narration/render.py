"""The finished narration: each block mastered and encoded once into a part, the parts joined, tagged, timed.

Nothing here synthesizes: it takes blocks (workers/narration/blocks.py) and
their encoded parts (made here or taken from the segment cache).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from service.audio.mix import CROSSFADE_MS, with_intro_outro
from service.audio.parts import EncodedPart, encode_part, join_parts, pause_part
from service.audio.pcm import resample, samples_in
from service.audio.targets import MAX_TRUE_PEAK_DBTP, TARGET_LUFS
from service.core.voices import Voice
from service.document.model import Document
from service.segments.pauses import pauses_after
from workers.narration.blocks import BlockAudio
from workers.narration.captions import webvtt
from workers.narration.chapters import Chapter, chapters_json, chapters_of
from workers.narration.layout import place_blocks
from workers.narration.marks import marks_json
from workers.narration.tags import AudioTags, write_tags
from workers.narration.timings import Timeline


@dataclass(frozen=True)
class RenderedNarration:
    """An encoded narration on disk, the facts about it, and its timing files."""

    path: Path
    duration_s: float
    timeline: Timeline
    chapters: tuple[Chapter, ...] = ()
    true_peak_dbtp: float | None = None  # the highest of its parts', as decoded
    captions_vtt: str = ""
    marks_json: str = ""
    chapters_json: str = ""
    # Where each block's part (intro included) begins in the decoded MP3, and its length, in samples:
    # the timeline the other formats are encoded on (workers/narration/formats.py).
    part_starts: tuple[int, ...] = ()
    samples: int = 0
    sample_rate: int = 44100


@dataclass(frozen=True)
class Mastering:
    """How the finished file should sound and what surrounds the speech."""

    target_lufs: float = TARGET_LUFS
    max_true_peak_dbtp: float = MAX_TRUE_PEAK_DBTP
    intro: Path | None = None
    outro: Path | None = None
    crossfade_ms: int = CROSSFADE_MS
    tags: AudioTags | None = None


# Where a block stands in its narration decides whether an intro or outro is mixed into its part.
PartSource = Callable[[int, BlockAudio, bool, bool], EncodedPart]


@dataclass(frozen=True)
class PartAudio:
    """What a block's part is mastered from: PCM at the rate it is mastered at, and where its speech begins."""

    pcm: np.ndarray
    sample_rate: int
    speech_offset_s: float = 0.0


def part_audio(block: BlockAudio, sample_rate: int, mastering: Mastering, *, first: bool, last: bool) -> PartAudio:
    """A block as its part is mastered, in every format: at the voice's own rate when nothing is mixed in
    (as the live stream masters it; at 22.05 kHz half the work of the output's 44.1 kHz, and resampled
    after), else at `sample_rate` with the intro if it is the narration's first and the outro if its last."""
    intro, outro = (mastering.intro if first else None), (mastering.outro if last else None)
    if intro is None and outro is None:
        return PartAudio(block.pcm, block.sample_rate)
    mixed = with_intro_outro(
        resample(block.pcm, block.sample_rate, sample_rate),
        sample_rate,
        intro=intro,
        outro=outro,
        crossfade_ms=mastering.crossfade_ms,
    )
    return PartAudio(mixed.pcm, sample_rate, mixed.speech_offset_s)


def block_part(
    block: BlockAudio,
    *,
    sample_rate: int = 44100,
    kbps: int = 64,
    mastering: Mastering | None = None,
    first: bool = False,
    last: bool = False,
) -> EncodedPart:
    """One block mastered and encoded on its own at `sample_rate`; the narration's first and last take the
    intro and outro."""
    settings = mastering or Mastering()
    audio = part_audio(block, sample_rate, settings, first=first, last=last)
    return encode_part(
        audio.pcm,
        audio.sample_rate,
        kbps=kbps,
        output_rate=sample_rate,
        target_lufs=settings.target_lufs,
        max_true_peak_dbtp=settings.max_true_peak_dbtp,
        lead_in=round(audio.speech_offset_s * sample_rate),
    )


def render_mp3(
    document: Document,
    voice: Voice,
    blocks: Sequence[BlockAudio],
    path: Path,
    *,
    sample_rate: int = 44100,
    kbps: int = 64,
    mastering: Mastering | None = None,
    parts: PartSource | None = None,
) -> RenderedNarration:
    """The finished, tagged MP3 at `path` and its timings, from a document's synthesized blocks.

    Each block becomes an independently mastered and encoded part (from
    `parts`, a cache, when given); the parts are joined frame by frame with
    silent parts for the pauses (service/segments/pauses.py), so nothing is
    encoded twice.
    """
    settings = mastering or Mastering()
    if not blocks:
        raise ValueError("a narration needs at least one spoken block")
    last = len(blocks) - 1

    def made(index: int, block: BlockAudio, first: bool, final: bool) -> EncodedPart:
        return block_part(block, sample_rate=sample_rate, kbps=kbps, mastering=settings, first=first, last=final)

    source = parts or made
    pauses = pauses_after(voice.pauses, document.spoken_blocks())
    sequence: list[EncodedPart] = []
    block_positions: list[int] = []
    for index, (block, pause_ms) in enumerate(zip(blocks, pauses, strict=True)):
        part = source(index, block, index == 0, index == last)
        block_positions.append(len(sequence))
        sequence.append(part)
        pause = pause_part(part, samples_in(pause_ms, sample_rate), kbps) if index < last else None
        if pause is not None:
            sequence.append(pause)
    joined = join_parts(sequence, path, kbps=kbps)
    starts_s = [(joined.starts[k] + sequence[k].lead_in) / sample_rate for k in block_positions]
    timeline = place_blocks(document, blocks, starts_s, joined.duration_s)
    chapters = chapters_of(timeline)
    write_tags(path, settings.tags or AudioTags(), chapters, joined.duration_s)
    return RenderedNarration(
        path=path,
        duration_s=joined.duration_s,
        timeline=timeline,
        chapters=chapters,
        true_peak_dbtp=max(p.true_peak_dbtp for p in sequence),
        captions_vtt=webvtt(timeline),
        marks_json=marks_json(timeline),
        chapters_json=chapters_json(chapters),
        part_starts=tuple(joined.starts[k] for k in block_positions),
        samples=joined.samples,
        sample_rate=sample_rate,
    )
