"""Rendering edge cases: a block that synthesizes to no audio, a pause asked shorter than a frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from service.core.settings import Settings
from service.core.voices import get_voice
from service.document.model import Block, Document
from workers.narration.blocks import BlockAudio, SentenceClip
from workers.narration.render import render_mp3

RATE = 22050


def _block(text: str, seconds: float) -> BlockAudio:
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    pcm = (0.2 * np.sin(2 * np.pi * 180 * t) * np.hanning(n)).astype(np.float32) if n else np.zeros(0, np.float32)
    clips = (SentenceClip(text, 0, n, 0, len(text), ()),) if n else ()
    return BlockAudio("paragraph", text, pcm, RATE, clips)


def test_a_block_without_audio_does_not_fail_the_narration(tmp_path: Path) -> None:
    settings = Settings()
    voice = get_voice(settings.voices_dir, settings.default_voice)
    document = Document(
        title=None,
        blocks=(Block("paragraph", "Hello there."), Block("paragraph", "\u2014"), Block("paragraph", "Bye.")),
    )
    blocks = [_block("Hello there.", 1.0), _block("\u2014", 0.0), _block("Bye.", 0.5)]
    assert len(document.spoken_blocks()) == len(blocks)
    rendered = render_mp3(document, voice, blocks, tmp_path / "out.mp3")
    assert sf.info(str(rendered.path)).frames > 0


def test_a_break_of_a_few_frames_is_kept_short(tmp_path: Path) -> None:
    settings = Settings()
    voice = get_voice(settings.voices_dir, settings.default_voice)
    document = Document(
        title=None,
        blocks=(Block("paragraph", "Hello there.", pause_after_ms=80), Block("paragraph", "Bye.")),
    )
    rendered = render_mp3(document, voice, [_block("Hello there.", 1.0), _block("Bye.", 0.5)], tmp_path / "out.mp3")
    first, second = rendered.timeline.blocks
    # The parts' own padding and lead-in make the shortest gap (25-51 ms); beyond it, whole frames.
    assert abs((second.start_s - first.end_s) - 0.080) <= 1152 / 2 / 44100 + 1e-3
