"""Where each block sits in a narration: the one timeline builder.

A block's timings are relative to its own first sample and first character
(workers/narration/blocks.py). `place_blocks` is the only code that moves them
to where the block is heard and written in a narration; it needs nothing but
each block's start in seconds, so every joiner derives its timeline from it:

- the final file (`render_mp3`, workers/narration/render.py) gives the starts
  its joined MPEG parts put the blocks at;
- `join_blocks` (the PCM the ASR review hears) gives the starts of its
  concatenated PCM.

Both put the pauses between blocks by the one rule (service/segments/pauses.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from service.audio.pcm import resample, silence
from service.core.voices import Voice
from service.document.model import Document
from service.segments.pauses import pauses_after
from workers.narration.blocks import BlockAudio
from workers.narration.timings import Timed, TimedBlock, TimedSentence, Timeline


def _clock(start_s: float, sample_rate: int) -> Callable[[int], float]:
    """Seconds into the narration of a sample of a block that starts at `start_s`."""
    return lambda sample: start_s + sample / sample_rate


def place_blocks(
    document: Document, blocks: Sequence[BlockAudio], starts_s: Sequence[float], duration_s: float
) -> Timeline:
    """The narration's layout in seconds: each block's own timings moved to where it starts."""
    offsets = document.block_offsets()
    sentences: list[TimedSentence] = []
    placed: list[TimedBlock] = []
    for block, start_s, (src, src_end) in zip(blocks, starts_s, offsets, strict=True):
        at = _clock(start_s, block.sample_rate)
        for c in block.clips:
            words = tuple(Timed(at(w.start), at(w.end), src + w.src_start, src + w.src_end) for w in c.words)
            sentences.append(TimedSentence(at(c.start), at(c.end), src + c.src_start, src + c.src_end, words=words))
        end_s = at(block.clips[-1].end) if block.clips else start_s
        placed.append(TimedBlock(start_s, end_s, src, src_end, kind=block.kind))
    return Timeline(text=document.text, duration_s=duration_s, blocks=tuple(placed), sentences=tuple(sentences))


@dataclass(frozen=True)
class SynthesizedAudio:
    """A whole document's blocks joined as PCM at the engine's rate, and its timeline: what the ASR review hears.

    The MP3 itself is joined from encoded parts (`render_mp3`), not from this PCM.
    """

    pcm: np.ndarray
    sample_rate: int
    timeline: Timeline

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / float(self.sample_rate)

    def samples(self, span: Timed) -> np.ndarray:
        """The PCM of a span of the timeline."""
        return self.pcm[round(span.start_s * self.sample_rate) : round(span.end_s * self.sample_rate)]


def join_blocks(document: Document, voice: Voice, blocks: Sequence[BlockAudio]) -> SynthesizedAudio:
    """Place synthesized blocks one after another with the pauses between them, as one PCM."""
    if not blocks:
        return SynthesizedAudio(np.zeros(0, dtype=np.float32), 22050, Timeline(document.text, 0.0, (), ()))
    rate = blocks[0].sample_rate
    pauses = pauses_after(voice.pauses, document.spoken_blocks())
    pieces: list[np.ndarray] = []
    starts_s: list[float] = []
    position = 0
    for block, pause_ms in zip(blocks, pauses, strict=True):
        starts_s.append(position / rate)
        pcm = resample(block.pcm, block.sample_rate, rate)
        pieces += [pcm, silence(pause_ms, rate)]
        position += len(pcm) + len(pieces[-1])
    pcm = np.concatenate(pieces).astype(np.float32, copy=False)
    return SynthesizedAudio(pcm, rate, place_blocks(document, blocks, starts_s, len(pcm) / rate))
