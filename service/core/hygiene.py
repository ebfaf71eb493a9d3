"""Text hygiene at the boundary: characters no article, title or feed field may carry.

Removed from every text a client sends (and from fetched pages): C0 and C1
control characters except tab and newline (a carriage return becomes a
newline), the bidirectional embeddings, overrides and isolates (which can make
a title display as something else), Unicode non-characters, lone surrogates
and U+FFFD (the mark of bytes that were not text). What is left is always
valid XML 1.0, so a feed built from it parses.
"""

from __future__ import annotations

import re

_CR = re.compile(r"\r\n?")
_UNWANTED = re.compile(
    "["
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (except \t, \n) and C1 controls, DEL
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "\ufdd0-\ufdef\ufffe\uffff\ufffd"  # non-characters; the replacement character
    "\ud800-\udfff"  # lone surrogates (never valid in UTF-8 or XML)
    "]"
    # the two non-characters at the end of every supplementary plane
    "|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)


def clean_text(text: str) -> str:
    """`text` without the characters above (carriage returns become newlines)."""
    return _UNWANTED.sub("", _CR.sub("\n", text))


def has_visible_text(text: str) -> bool:
    """True when `text` has something to show or say once cleaned (not only spaces or marks)."""
    return any(c.isalnum() or (not c.isspace() and c.isprintable()) for c in clean_text(text))
