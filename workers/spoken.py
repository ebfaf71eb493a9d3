"""The spoken form of a sentence: what the engine reads, and where each spoken word came from.

The text normalizer (`service.text.normalize`) turns "25" into "twenty five"
and remembers which source characters each spoken word stands for; the
pipeline uses it whenever it can be imported. Without it a sentence is read
as written and its words are its own (`Verbatim`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


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


Normalizer = Callable[[str], SpokenForm]


def _installed_normalizer() -> Normalizer | None:
    try:  # The normalizer is another module's job; use it as soon as it exists.
        from service.text.normalize import normalize
    except ImportError:  # pragma: no cover - depends on what is installed
        return None
    return normalize


_normalize = _installed_normalizer()


def spoken_form(sentence: str) -> SpokenForm:
    """What the engine should say for `sentence`, with a map back to it."""
    if _normalize is None:
        return verbatim(sentence)
    return _normalize(sentence)
