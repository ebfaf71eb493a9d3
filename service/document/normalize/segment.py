"""Run-together words in addresses: "mediarelations" -> "media relations", "rtxprohelp" -> "rtx pro help".

The split with the lowest cost wins, a word's cost growing with the log of its
frequency rank (Zipf), over the commonest English words in `english_words.txt`.
A leading chunk of two to four consonants is allowed (a product or team code the
caller spells, "rtx"); a run that is itself a word, or has no split into common
words, is left alone.
"""

from __future__ import annotations

from functools import cache
from math import log
from pathlib import Path

_FILE = Path(__file__).with_name("english_words.txt")
_VOWELS = frozenset("aeiouy")
_LONGEST = 20
# A spelled consonant chunk costs about as much as a rare word.
_CHUNK_COST = 14.0


@cache
def _costs() -> dict[str, float]:
    words = [w.strip() for w in _FILE.read_text(encoding="utf-8").splitlines() if w.strip() and w[0] != "#"]
    scale = log(len(words))
    return {w: log((rank + 1) * scale) for rank, w in enumerate(words)}


def is_word(run: str) -> bool:
    """Whether `run` is one of the common English words."""
    return run.lower() in _costs()


def consonants_only(run: str) -> bool:
    """No vowel (nor "y"): letters a reader spells ("rtx", "sdf")."""
    return not (set(run.lower()) & _VOWELS)


def split_words(run: str) -> list[str] | None:
    """The words of a run of letters written together, or None when it is one word or no split fits."""
    s = run.lower()
    costs = _costs()
    if len(s) < 5 or not s.isalpha() or not s.isascii() or s in costs:
        return None
    n = len(s)
    best: list[tuple[float, int]] = [(0.0, -1)] + [(float("inf"), -1)] * n
    for i in range(1, n + 1):
        for j in range(max(0, i - _LONGEST), i):
            if best[j][0] == float("inf"):
                continue
            piece = s[j:i]
            cost = costs.get(piece)
            if cost is None:
                if j == 0 and 2 <= len(piece) <= 4 and consonants_only(piece):
                    cost = _CHUNK_COST
                else:
                    continue
            if best[j][0] + cost < best[i][0]:
                best[i] = (best[j][0] + cost, j)
    if best[n][0] == float("inf"):
        return None
    pieces: list[str] = []
    i = n
    while i > 0:
        j = best[i][1]
        pieces.append(s[j:i])
        i = j
    pieces.reverse()
    return pieces if len(pieces) >= 2 else None
