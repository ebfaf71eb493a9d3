"""Sentence splitting (pysbd), with long sentences cut to an engine's limit."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import pysbd

DEFAULT_MAX_CHARS = 400
# Prefer cutting after clause punctuation, then at any space.
_CLAUSE_BREAK = re.compile(r"(?<=[,;:\u2014\u2013)])\s+")
# A pysbd Segmenter keeps the text it is splitting in itself: two threads sharing one (the
# API's request threads, `narrator narrate`'s lanes) would split each other's text. pysbd is
# pure Python, so taking turns costs no parallelism the GIL allowed.
_SEGMENTING = threading.Lock()


@lru_cache(maxsize=4)
def _segmenter(language: str) -> pysbd.Segmenter:
    return pysbd.Segmenter(language=language, clean=False, char_span=False)


def split_sentences(text: str, *, language: str = "en", max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """Split a paragraph into sentences, none longer than `max_chars`."""
    lang = language.split("-", maxsplit=1)[0].lower() or "en"
    try:
        segmenter = _segmenter(lang)
    except ValueError:  # pysbd knows no such language: English rules are the best fallback
        segmenter = _segmenter("en")
    with _SEGMENTING:
        pieces = segmenter.segment(text)
    sentences = [s.strip() for s in pieces if s.strip()]
    out: list[str] = []
    for sentence in sentences:
        out.extend(_cut(sentence, max_chars))
    return out


def _cut(sentence: str, max_chars: int) -> list[str]:
    """Cut one overlong sentence at clause breaks, else at spaces, else hard."""
    if len(sentence) <= max_chars:
        return [sentence]
    pieces: list[str] = []
    rest = sentence
    while len(rest) > max_chars:
        window = rest[: max_chars + 1]
        cut = max((m.start() for m in _CLAUSE_BREAK.finditer(window)), default=-1)
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = max_chars
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces
