"""The one rule for the pause after a block (service/segments/pauses.py)."""

from __future__ import annotations

from service.core.voices import Pauses
from service.document.model import Block
from service.segments.pauses import pause_after, pauses_after

PAUSES = Pauses(sentence_ms=250, paragraph_ms=700, heading_ms=900)


def test_between_paragraphs_the_paragraph_pause() -> None:
    assert pause_after(PAUSES, "paragraph", "quote") == 700


def test_around_a_title_or_heading_the_heading_pause() -> None:
    assert pause_after(PAUSES, "title", "paragraph") == 900
    assert pause_after(PAUSES, "paragraph", "heading") == 900


def test_an_ssml_break_is_heard_as_written_even_around_headings() -> None:
    assert pause_after(PAUSES, "paragraph", "heading", 1500) == 1500
    assert pause_after(PAUSES, "paragraph", "paragraph", 0) == 0


def test_nothing_after_the_last_block_even_with_a_break() -> None:
    assert pause_after(PAUSES, "paragraph", None, 1500) == 0


def test_pauses_after_a_document_s_blocks() -> None:
    blocks = [
        Block("title", "News"),
        Block("paragraph", "One.", pause_after_ms=1500),
        Block("paragraph", "Two."),
        Block("heading", "Next"),
        Block("paragraph", "Three.", pause_after_ms=300),
    ]
    assert pauses_after(PAUSES, blocks) == [900, 1500, 900, 900, 0]
