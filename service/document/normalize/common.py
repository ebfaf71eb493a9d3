"""Shared pieces for the rule modules: the `Hit` result, the scan context, regex fragments.

A rule is a function `(ctx, pos) -> Hit | None`, tried at a token start `pos`.
It returns how far it consumed and the spoken pieces (text, source_start,
source_end) it produces, or None to let the next rule try.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from .context_words import COUNT_WORDS, NOT_PLURALS, STARTERS

# Horizontal space only: rules must never swallow a newline (paragraphs survive).
SP = r"[ \t\u00a0\u2009\u202f]"
# A written number: grouped thousands or plain digits, optional decimals, or ".5".
NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+"

PieceText = tuple[str, int, int]


@dataclass
class Hit:
    """What a rule matched: the source end offset and the spoken pieces."""

    end: int
    pieces: list[PieceText]


Rule = Callable[["Ctx", int], "Hit | None"]


def one(text: str, start: int, end: int) -> Hit:
    """A hit that speaks `text` for source[start:end]."""
    return Hit(end, [(text, start, end)])


_PREV = re.compile(r"(\S+)[ \t\u00a0]*$")
_NEXT = re.compile(r"[ \t\u00a0]*(\S{1,64})")  # bounded: keeps scanning linear


class Ctx:
    """The text being normalised plus look-around helpers the rules share."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.limit = len(text)
        self._shout: dict[int, bool] = {}
        self._line_starts: list[int] | None = None

    def prev_token(self, pos: int) -> str:
        """The whitespace-delimited token just before `pos` on the same line ("" if none)."""
        window = self.text[max(0, pos - 40) : pos]
        nl = max(window.rfind("\n"), window.rfind("\r"))
        if nl >= 0:
            window = window[nl + 1 :]
        m = _PREV.search(window)
        return m.group(1) if m else ""

    def prev_word(self, pos: int) -> str:
        """Previous token with surrounding punctuation stripped, lowercased."""
        return self.prev_token(pos).strip(".,;:!?\"'()[]“”‘’").lower()

    def next_token(self, end: int) -> str:
        """The whitespace-delimited token just after `end` on the same line ("" if none)."""
        m = _NEXT.match(self.text, end)
        if not m:
            return ""
        return m.group(1)

    def next_word(self, end: int) -> str:
        """Next token with surrounding punctuation stripped (case kept)."""
        return self.next_token(end).strip(".,;:!?\"'()[]“”‘’")

    def sentence_end(self, end: int, strong: bool = False) -> bool:
        """Whether the full stop just before `end` also ends the sentence.

        True at the end of the text or line, before an opening quote, or before a
        capitalised word that typically starts a sentence; with `strong` (etc.,
        a.m., street names) any capitalised word counts.
        """
        text = self.text
        j = end
        n = len(text)
        while j < n and text[j] in " \t\u00a0":
            j += 1
        if j >= n or text[j] in "\r\n":
            return True
        if j == end:
            return False
        c = text[j]
        if c in '"“‘':
            return True
        if not c.isupper():
            return False
        word = self.next_word(end)
        if word in STARTERS:
            return True
        return strong

    def is_shouting(self, pos: int) -> bool:
        """Whether the line around `pos` is written in capitals (a shouty headline)."""
        text = self.text
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer(r"\r\n?|\n", text)]
        i = bisect_right(self._line_starts, pos) - 1
        start = self._line_starts[i]
        cached = self._shout.get(start)
        if cached is not None:
            return cached
        end = self._line_starts[i + 1] if i + 1 < len(self._line_starts) else len(text)
        line = text[start:end]
        words = re.findall(r"[^\W\d_]{2,}", line)
        caps = sum(1 for w in words if w.isupper())
        result = caps >= 3 and caps >= 0.6 * len(words)
        self._shout[start] = result
        return result

    def is_count_noun(self, word: str) -> bool:
        """Whether `word` looks like a plural noun being counted ("1500 jobs", "5-10 years")."""
        if word in COUNT_WORDS:
            return True
        return (
            len(word) >= 3
            and word.isalpha()
            and word.islower()
            and word.endswith("s")
            and not word.endswith(("ss", "us", "is", "ous"))
            and word not in NOT_PLURALS
        )


def titlecase_word(token: str) -> bool:
    """A capitalised alphabetic word such as a name ("Charles", "Elm")."""
    t = token.rstrip(",;:")
    return len(t) >= 2 and t[0].isupper() and t[1:].isalpha() and t[1:].islower() and t.isalpha()
