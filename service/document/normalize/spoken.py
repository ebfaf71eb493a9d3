"""The result type, `Spoken`, and the builder the engine uses to assemble it.

A `Spoken` is the TTS-ready text plus an alignment: ordered, non-overlapping pieces
(spoken_start, spoken_end, source_start, source_end). Text copied unchanged from the
source becomes one piece per word or punctuation mark; each rewritten stretch
("$12.86 billion" -> "twelve point eight six billion dollars") is one piece, or a few
when a rule can say which output words came from which part of the source.
Whitespace has no piece: it is neither spoken nor highlighted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

Piece = tuple[int, int, int, int]

_WORD = re.compile(r"\S+")
# Strip punctuation around a word, keeping inner marks such as "o'clock" or "U.S".
_STRIP = re.compile(r"^[^\w]+|[^\w]+$")
# How copied-through source text is cut into pieces: words (with inner apostrophes,
# dots and hyphens) or single other characters.
_VERBATIM_TOKEN = re.compile(r"\w+(?:['\u2019]\w+)*|\S")


@dataclass(frozen=True)
class Spoken:
    """Spoken form of a text and the map from its characters back to the source."""

    text: str
    alignment: tuple[tuple[int, int, int, int], ...]

    @cached_property
    def _starts(self) -> list[int]:
        # Spoken start offsets, for bisecting; pieces are ordered and do not overlap.
        return [p[0] for p in self.alignment]

    def _overlapping(self, start: int, end: int) -> list[Piece]:
        """Pieces whose spoken range overlaps [start, end) (or contains `start` if empty)."""
        pieces = self.alignment
        i = max(bisect_right(self._starts, start) - 1, 0)
        found: list[Piece] = []
        while i < len(pieces):
            p = pieces[i]
            if p[0] >= end and not (start == end and p[0] == start):
                break
            if (p[0] < end and p[1] > start) or (start == end and p[0] <= start < p[1]):
                found.append(p)
            i += 1
        return found

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Smallest source span covering the pieces that produced text[start:end].

        A span that touches no piece (only whitespace) maps to the empty source span
        at the nearest boundary, so callers always get a valid (start, end).
        """
        if start > end:
            start, end = end, start
        found = self._overlapping(start, end)
        if found:
            return min(p[2] for p in found), max(p[3] for p in found)
        i = bisect_right(self._starts, start) - 1
        if i >= 0:
            return self.alignment[i][3], self.alignment[i][3]
        if self.alignment:
            return self.alignment[0][2], self.alignment[0][2]
        return 0, 0

    def words(self) -> list[tuple[str, int, int]]:
        """Each spoken word (split on whitespace, outer punctuation stripped) with its source span."""
        result: list[tuple[str, int, int]] = []
        for m in _WORD.finditer(self.text):
            raw = m.group()
            core = _STRIP.sub("", raw)
            if not core:
                continue
            offset = m.start() + raw.find(core)
            start, end = self.source_span(offset, offset + len(core))
            result.append((core, start, end))
        return result


class Builder:
    """Accumulates spoken text and alignment pieces in source order."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._parts: list[str] = []
        self._pieces: list[Piece] = []
        self._length = 0
        self._last = ""  # last character written, to decide whether a space is needed

    def _write(self, s: str) -> int:
        start = self._length
        self._parts.append(s)
        self._length += len(s)
        if s:
            self._last = s[-1]
        return start

    def _separate(self, first: str) -> None:
        # Two rewritten chunks (or a chunk and copied text) must not glue into one word.
        if self._last and (self._last.isalnum() or self._last in ".%") and first.isalnum():
            self._write(" ")

    def copy(self, start: int, end: int) -> None:
        """Copy source[start:end] unchanged: whitespace as is, one piece per word or mark."""
        src = self.source
        if start >= end:
            return
        pos = start
        for m in _VERBATIM_TOKEN.finditer(src, start, end):
            if m.start() > pos:
                self._write(src[pos : m.start()])
            tok = m.group()
            if pos == start and m.start() == start:
                self._separate(tok[0])
            s = self._write(tok)
            self._pieces.append((s, s + len(tok), m.start(), m.end()))
            pos = m.end()
        if pos < end:
            self._write(src[pos:end])

    def say(self, text: str, start: int, end: int) -> None:
        """Write rewritten `text` standing for source[start:end] as one piece."""
        if not text:
            return
        if text[0] in ",.;:!?":
            # Attached punctuation (a restored full stop, a pause comma): no space before it.
            if self._parts and self._parts[-1] and not self._parts[-1].strip(" \t\u00a0"):
                self._length -= len(self._parts.pop())
                self._last = self._parts[-1][-1:] if self._parts else ""
        elif self._length and not self._last.isspace():
            self._separate(text[0])
        s = self._write(text)
        self._pieces.append((s, s + len(text), start, end))

    def say_all(self, pieces: list[tuple[str, int, int]]) -> None:
        """Write several rewritten pieces separated by single spaces."""
        first = True
        for text, start, end in pieces:
            if not text:
                continue
            if not first and text[0] not in ",.;:!?" and not self._last.isspace():
                self._write(" ")
            self.say(text, start, end)
            first = False

    def build(self) -> Spoken:
        return Spoken("".join(self._parts), tuple(self._pieces))
