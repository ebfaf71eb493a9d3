"""The text model: an article as the listener will hear it.

A `Document` is what extraction produces from HTML, Markdown or plain text:
an optional title and byline, then the story's blocks in reading order.
Its `text` is the canonical article text; every character offset the service
publishes (word marks, captions, highlighting) points into that string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["title", "heading", "paragraph", "quote", "list_item"]

BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Block:
    """One spoken unit of structure: the title, a heading, a paragraph, a quote or a list item.

    `lexicon` holds this block's own pronunciations as (written term, spoken
    form) pairs (from SSML `<sub>`, `<phoneme>`, `<say-as>`); they win over the
    feed's and global entries. `pause_after_ms` replaces the voice's pause
    after this block (SSML `<break>`); None keeps the voice's pause.
    """

    kind: BlockKind
    text: str
    lexicon: tuple[tuple[str, str], ...] = ()
    pause_after_ms: int | None = None


@dataclass(frozen=True)
class Document:
    """An extracted article: title, byline and body blocks (title not repeated in blocks)."""

    title: str | None
    blocks: tuple[Block, ...]
    byline: str | None = None
    language: str | None = None
    warnings: tuple[str, ...] = field(default=())

    def spoken_blocks(self) -> tuple[Block, ...]:
        """The blocks in the order they are narrated: the title first, then the body."""
        head = (Block("title", self.title),) if self.title else ()
        return head + tuple(b for b in self.blocks if b.text.strip())

    @property
    def text(self) -> str:
        """The canonical article text: spoken blocks joined by blank lines."""
        return BLOCK_SEPARATOR.join(b.text for b in self.spoken_blocks())

    def block_offsets(self) -> list[tuple[int, int]]:
        """(start, end) character offsets of each spoken block inside `text`."""
        offsets: list[tuple[int, int]] = []
        pos = 0
        for block in self.spoken_blocks():
            offsets.append((pos, pos + len(block.text)))
            pos += len(block.text) + len(BLOCK_SEPARATOR)
        return offsets
