"""The spoken form of a sentence: what the engine reads, and where each spoken word came from.

The text normalizer (`service.document.normalize`) turns "25" into "twenty five"
and remembers which source characters each spoken word stands for, with the
pronunciation lexicon applied; `verbatim` reads a sentence exactly as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from service.document.normalize import normalize


class SpokenForm(Protocol):
    """What the pipeline needs from a normalized sentence."""

    @property
    def text(self) -> str: ...

    def words(self) -> list[tuple[str, int, int]]:
        """(spoken word, source start, source end), offsets into the sentence as written."""
        ...


_TOKEN = re.compile(r"\S+")


# Punctuation that is spoken ("percent", "at") and so belongs to its word.
_SPOKEN_PUNCTUATION = frozenset("%‰&@#*/\\§")


def _is_punctuation(char: str) -> bool:
    # Symbols such as $ are spoken ("dollars"), so only silent punctuation is trimmed.
    return unicodedata.category(char).startswith("P") and char not in _SPOKEN_PUNCTUATION


@dataclass(frozen=True)
class Verbatim:
    """A sentence read exactly as written; its words are its space-separated tokens."""

    text: str

    def words(self) -> list[tuple[str, int, int]]:
        out: list[tuple[str, int, int]] = []
        for match in _TOKEN.finditer(self.text):
            start, end = match.span()
            while start < end and _is_punctuation(self.text[start]):
                start += 1
            while end > start and _is_punctuation(self.text[end - 1]):
                end -= 1
            token = self.text[start:end]
            if any(c.isalnum() for c in token):
                out.append((token, start, end))
        return out


def verbatim(text: str) -> SpokenForm:
    """The sentence as written, for engines fed raw text."""
    return Verbatim(text)


def spoken_form(sentence: str, lexicon: Mapping[str, str] | None = None) -> SpokenForm:
    """What the engine should say for `sentence` (normalized, lexicon applied), with a map back to it."""
    return normalize(sentence, lexicon)
