"""Text clean-up every extractor shares: whitespace, titles, and finishing a list of blocks."""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.document.model import Block

# Characters a voice must never see: zero-width spaces/joiners, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WHITESPACE = re.compile(r"\s+")


def normalize_whitespace(text: str) -> str:
    """Collapse every whitespace run (newlines, tabs, NBSP...) to one space and trim."""
    return _WHITESPACE.sub(" ", text.translate(_INVISIBLE)).strip()


def unify_newlines(text: str) -> str:
    """Text with CRLF/CR line ends turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_title(title: str | None) -> str | None:
    """A normalized title, or None when blank."""
    if not title:
        return None
    return normalize_whitespace(title) or None


def same_text(a: str, b: str) -> bool:
    """Whether two strings say the same thing, ignoring case, spacing and trailing punctuation."""

    def key(s: str) -> str:
        return normalize_whitespace(s).casefold().rstrip(" .:;!?")

    return key(a) == key(b)


def finish_blocks(raw: Iterable[Block], title: str | None) -> tuple[Block, ...]:
    """Normalize block text, drop empty blocks, and the title when one of the first blocks repeats it."""
    blocks = [Block(b.kind, normalize_whitespace(b.text)) for b in raw]
    blocks = [b for b in blocks if b.text]
    # The headline is narrated from `Document.title`; pages (and Markdown with
    # an explicit title) usually repeat it as the first heading.
    if title:
        for i, block in enumerate(blocks[:3]):
            if same_text(block.text, title):
                del blocks[i]
                break
    return tuple(blocks)
