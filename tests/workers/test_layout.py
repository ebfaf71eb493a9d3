"""One timeline builder: the review's PCM and the final file place blocks alike, with the same pauses."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from service.core.settings import Settings
from service.core.voices import get_voice
from service.document.model import Block, Document
from workers.narration.blocks import BlockAudio, SentenceClip, WordClip
from workers.narration.layout import join_blocks
from workers.narration.render import render_mp3
from workers.narration.review import paragraphs_of

RATE = 22050
FRAME_S = 1152 / 44100


def _block(kind: str, text: str, seconds: float, hz: float) -> BlockAudio:
    """A tone of `hz` in a Hann window (a signal the mastering can level), its words sharing it equally."""
    n = int(seconds * RATE)
    pcm = (0.2 * np.sin(2 * np.pi * hz * np.arange(n) / RATE) * np.hanning(n)).astype(np.float32)
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]  # each word an equal share of the tone
    words = tuple(WordClip(n * i // len(spans), n * (i + 1) // len(spans), *span) for i, span in enumerate(spans))
    return BlockAudio(kind, text, pcm, RATE, (SentenceClip(text, 0, n, 0, len(text), words),))  # type: ignore[arg-type]


def _pitch(pcm: np.ndarray) -> float:
    return float(np.argmax(np.abs(np.fft.rfft(pcm)))) * RATE / len(pcm)


DOCUMENT = Document(
    title="News",
    blocks=(Block("paragraph", "One two.", pause_after_ms=1500), Block("paragraph", "Six ten.")),
)
BLOCKS = [
    _block("title", "News", 0.5, 200.0),
    _block("paragraph", "One two.", 1.0, 300.0),
    _block("paragraph", "Six ten.", 0.8, 400.0),
]


def test_joined_pcm_has_the_rule_s_pauses_and_the_review_cuts_each_block() -> None:
    voice = get_voice(Settings().voices_dir, Settings().default_voice)
    joined = join_blocks(DOCUMENT, voice, BLOCKS)
    title, first, second = joined.timeline.blocks
    assert first.start_s - title.end_s == pytest.approx(voice.pauses.heading_ms / 1000)
    assert second.start_s - first.end_s == pytest.approx(1.5)  # the SSML break, not the paragraph pause
    assert joined.duration_s == pytest.approx(0.5 + 0.9 + 1.0 + 1.5 + 0.8)
    cut = paragraphs_of(joined)
    assert [(text, len(pcm), round(_pitch(pcm))) for text, pcm, _, _ in cut] == [
        ("News", 0.5 * RATE, 200),
        ("One two.", 1.0 * RATE, 300),
        ("Six ten.", 0.8 * RATE, 400),
    ]
    assert [joined.timeline.value(w) for w in joined.timeline.words] == ["News", "One", "two.", "Six", "ten."]


def test_the_final_file_places_blocks_where_the_joined_pcm_does(tmp_path: Path) -> None:
    voice = get_voice(Settings().voices_dir, Settings().default_voice)
    joined = join_blocks(DOCUMENT, voice, BLOCKS).timeline
    rendered = render_mp3(DOCUMENT, voice, BLOCKS, tmp_path / "out.mp3").timeline
    assert [b.src_start for b in rendered.blocks] == [b.src_start for b in joined.blocks]
    assert [rendered.value(w) for w in rendered.words] == [joined.value(w) for w in joined.words]
    for placed, heard in zip(joined.blocks[1:], rendered.blocks[1:], strict=True):
        # Each pause in the file is whole frames of silence: within half a frame of the rule's, per pause.
        assert abs(heard.start_s - placed.start_s) <= FRAME_S + 1e-3
