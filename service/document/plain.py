"""Plain text to a `Document`: paragraphs are separated by blank lines."""

from __future__ import annotations

import re

from service.document.cleanup import clean_title, finish_blocks, unify_newlines
from service.document.errors import NotAnArticle
from service.document.model import Block, Document

__all__ = ["document_from_text"]

_BLANK_LINE = re.compile(r"\n[ \t\f\v\u00a0]*\n")


def document_from_text(text: str, title: str | None = None) -> Document:
    """A Document from plain text: paragraphs are separated by blank lines.

    No title is guessed from the text; a given title is not repeated when one
    of the first paragraphs says it. Raises NotAnArticle when the text is empty.
    """
    title = clean_title(title)
    paragraphs = _BLANK_LINE.split(unify_newlines(text or ""))
    blocks = finish_blocks((Block("paragraph", p) for p in paragraphs), title)
    if not blocks:
        raise NotAnArticle("the text is empty")
    return Document(title=title, blocks=blocks)
