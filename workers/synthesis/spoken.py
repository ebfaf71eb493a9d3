"""The spoken form of a sentence: what the engine reads, and where each spoken word came from.

The text normalizer (`service.document.normalize`) turns "25" into "twenty five"
and remembers which source characters each spoken word stands for, with the
pronunciation lexicon applied; `verbatim` reads a sentence exactly as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
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


def spoken_form(sentence: str, lexicon: Mapping[str, str] | None = None) -> SpokenForm:
    """What the engine should say for `sentence` (normalized, lexicon applied), with a map back to it."""
    return normalize(sentence, lexicon)
