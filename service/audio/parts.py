"""A narration's MP3 as independently mastered and encoded parts, joined frame by frame.

Every spoken block is mastered and encoded once, on its own, into a part: the
MPEG frames of one LAME stream without its Info frame. A narration's file is
its parts' frames one after another (silent parts make the pauses) behind one
Info frame for the whole stream. An edit then masters and encodes one
paragraph, not the article, and every worker encodes the parts it synthesized.

Why joining frames is exact (tests/workers/test_audio_parts.py proves each point):
- every LAME stream starts with an empty bit reservoir: its first frame refers
  to no byte before it, so a part decodes the same wherever it is placed;
- a part's samples come out of the joined stream exactly at its first frame
  (frames before it x 1152 samples), because the one encoder delay the Info
  frame announces is that of the first part, which every part shares;
- a part ends in silence (the blocks fade out) and the next begins in the
  encoder's silent lead-in, so the decoder's overlap at the seam adds nothing.
So each part occupies `frame_count * 1152` samples of the decoded file: its own
samples, then LAME's padding and the next part's lead-in, heard as part of the
pause that follows it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from service.audio.mp3 import encode_frames
from service.audio.targets import MAX_TRUE_PEAK_DBTP, TARGET_LUFS
from service.audio.xing import (
    LAME_ENCODER_DELAY,
    SAMPLES_PER_FRAME,
    frame_offsets,
    info_frame,
)


@dataclass(frozen=True)
class EncodedPart:
    """One independently encoded stretch of a narration.

    `frames` are MPEG-1 Layer III frames (no Info frame); they hold `samples`
    PCM samples after LAME's encoder delay, then `padding` samples. `lead_in`
    counts the samples in front of the block's own audio (an intro).
    """

    frames: bytes
    frame_count: int
    samples: int
    sample_rate: int
    lead_in: int = 0
    loudness_lufs: float = -math.inf
    true_peak_dbtp: float = -math.inf

    @property
    def padding(self) -> int:
        return self.span - LAME_ENCODER_DELAY - self.samples

    @property
    def span(self) -> int:
        """Samples this part occupies in the decoded, joined file."""
        return self.frame_count * SAMPLES_PER_FRAME


def encode_part(
    pcm: np.ndarray,
    sample_rate: int,
    *,
    kbps: int,
    output_rate: int | None = None,
    target_lufs: float = TARGET_LUFS,
    max_true_peak_dbtp: float = MAX_TRUE_PEAK_DBTP,
    lead_in: int = 0,
) -> EncodedPart:
    """Master `pcm` to the loudness target and true-peak ceiling, encode it at `output_rate`, and keep its frames.

    `pcm` is mastered at its own `sample_rate` (a voice's, below the output's:
    half the work) and then resampled; `lead_in` counts samples at the output
    rate. The mastering is verified on the decoded part (see
    `encode_mastered_frames`); parts hold their own loudness, so the joined
    file is at the target too.
    """
    # The mastering chain (scipy, pyloudnorm: about a second) is imported by the first part
    # encoded, not with this module: `narrator narrate` then imports it on one core while
    # the other is already synthesizing, and joining cached parts never imports it.
    from service.audio.master import encode_mastered_frames

    rate = output_rate or sample_rate
    mastered = encode_mastered_frames(
        pcm,
        sample_rate,
        kbps=kbps,
        output_rate=rate,
        target_lufs=target_lufs,
        max_true_peak_dbtp=max_true_peak_dbtp,
    )
    return EncodedPart(
        mastered.frames,
        len(frame_offsets(mastered.frames)),
        mastered.samples,
        rate,
        lead_in,
        mastered.loudness_lufs,
        mastered.true_peak_dbtp,
    )


@lru_cache(maxsize=64)
def silent_part(frame_count: int, sample_rate: int, kbps: int) -> EncodedPart:
    """Digital silence that occupies exactly `frame_count` frames of the joined file."""
    # LAME makes floor((delay + samples) / 1152) + 1 frames; a whole last frame of padding.
    samples = max(0, (frame_count - 1) * SAMPLES_PER_FRAME - LAME_ENCODER_DELAY)
    frames = encode_frames(np.zeros(samples, dtype=np.float32), sample_rate, kbps=kbps)
    return EncodedPart(frames, len(frame_offsets(frames)), samples, sample_rate)


def pause_part(after: EncodedPart, pause_samples: int, kbps: int) -> EncodedPart | None:
    """The silent part that makes the pause after `after` last about `pause_samples` (within half a frame).

    `after`'s padding and the next part's lead-in already sound as silence
    (25 to 51 ms at 44.1 kHz: the shortest pause between two parts); None
    when they alone come within half a frame of it.
    """
    already = after.span - after.samples  # LAME's padding + the next part's encoder delay
    frames = round((pause_samples - already) / SAMPLES_PER_FRAME)
    return silent_part(frames, after.sample_rate, kbps) if frames >= 1 else None


@dataclass(frozen=True)
class JoinedMp3:
    """A joined MP3 file: its length as decoded and where each part's own samples start."""

    path: Path
    samples: int
    sample_rate: int
    starts: tuple[int, ...]

    @property
    def duration_s(self) -> float:
        return self.samples / float(self.sample_rate)


def join_parts(parts: Sequence[EncodedPart], path: Path, *, kbps: int) -> JoinedMp3:
    """Write `parts` one after another to `path`, behind one Info frame (exact gapless length)."""
    if not parts:
        raise ValueError("nothing to join")
    rates = {p.sample_rate for p in parts}
    if len(rates) != 1:
        raise ValueError(f"parts at different sample rates: {sorted(rates)}")
    starts, position = [], 0
    for part in parts:
        starts.append(position)
        position += part.span
    stream = b"".join(p.frames for p in parts)
    samples = position - LAME_ENCODER_DELAY - parts[-1].padding
    path.write_bytes(info_frame(stream, samples, kbps) + stream)
    return JoinedMp3(path, samples, parts[0].sample_rate, tuple(starts))
