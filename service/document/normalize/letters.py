"""Initialisms and acronyms: which capitalised words are spelled out, and how.

Spelled letters are written joined by dots with no final dot ("F.B.I", "A.I",
"U.S"). That is deliberate: espeak-ng (Piper's phonemizer) reads "A I" with the
article "a" (schwa) and "U A E" likewise, "AP"/"AFP"/"UAE" as made-up words, while
"A.I", "A.F.P", "U.A.E" come out as letters with natural stress; and without a
final dot there is no false sentence end ("U.S President" stays one sentence).
Plurals become "C.E.O's" because "C.E.Os" is read "C E O S".

Whether to spell a capitalised word: a short list of acronyms said as words
(NASA, NATO, UNESCO...), a short list of initialisms that look pronounceable but
are spelled (USDA, UCLA...), then a rule: three letters or fewer are spelled,
longer ones are spelled unless they look pronounceable (vowels, English-like
consonant clusters). The lists are in `letter_tables`.
"""

from __future__ import annotations

import re

from .letter_tables import ACRONYMS, CODAS, COMMON_WORDS, INITIALISMS, ONSETS, VOWELS

_RUNS = re.compile(r"[AEIOUY]+|[^AEIOUY]+")


def pronounceable(word: str) -> bool:
    """Rough test whether an all-caps word can be read as an English word (NASA yes, NHTSA no)."""
    w = word.upper()
    if len(w) < 2 or not any(c in VOWELS for c in w):
        return False
    runs = _RUNS.findall(w)
    for i, run in enumerate(runs):
        vowel = run[0] in VOWELS
        if vowel:
            if len(run) > 2:
                return False
            continue
        if run == "Y":
            continue
        if i == 0:
            if len(run) > 1 and run not in ONSETS:
                return False
        elif i == len(runs) - 1:
            if len(run) > 1 and run not in CODAS:
                return False
        elif len(run) > 2 and not any(
            # Medial cluster: allow coda+onset splits like "ND|R" or "S|TR".
            (run[:k] in CODAS or len(run[:k]) == 1) and (run[k:] in ONSETS or len(run[k:]) == 1)
            for k in range(1, len(run))
        ):
            return False
    return True


def spell(letters: str) -> str:
    """Letters joined for the phonemizer: "FBI" -> "F.B.I"."""
    return ".".join(letters.upper())


_CAPS_WORD = re.compile(r"(?P<core>[A-Z]{2,})(?P<tail>['\u2019]?s)?")


def caps_word(word: str, shouting: bool = False) -> str | None:
    """Spoken form of an all-capitals word, or None to keep it as written.

    Handles a plural or possessive tail ("CEOs", "FBI's" -> "C.E.O's", "F.B.I's").
    In an all-caps line (`shouting`) only known initialisms and unpronounceable
    words are spelled, and everyday words are lowercased.
    """
    m = _CAPS_WORD.fullmatch(word)
    if not m:
        return None
    core, tail = m.group("core"), m.group("tail") or ""
    if core in ACRONYMS or word in ACRONYMS:
        return None
    if not tail and word in INITIALISMS:
        if shouting and word in COMMON_WORDS:
            return word.lower()
        return spell(word)
    if not tail and core.endswith("S") and core[:-1] in INITIALISMS and len(core) > 2:
        core, tail = core[:-1], "s"
    suffix = "'s" if tail else ""
    if core in INITIALISMS:
        return spell(core) + suffix
    if shouting:
        # An all-caps headline: read words as words (lowercased so the phonemizer
        # does not spell them); spell only what cannot be pronounced.
        if core in COMMON_WORDS or pronounceable(core) or len(core) > 6:
            return word.lower()
        return spell(core) + suffix
    if core in COMMON_WORDS and len(core) > 3:
        return None
    if len(core) <= 3:
        return spell(core) + suffix
    if pronounceable(core):
        return None
    return spell(core) + suffix


# Split camelCase with embedded initialisms: "OpenAI" -> Open|AI, "JPMorgan" -> JP|Morgan.
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+|[^A-Za-z0-9]+")


def camel_parts(word: str) -> list[str]:
    """Camel-case and letter/digit segments of a token."""
    return _CAMEL.findall(word)


# espeak-ng joins "a" to some words before it ("for a", "of a", "at a", "that a"...; these
# are all of them among the commonest English words) and then reads the rest of a spelled
# "A.I" as "dot I": "for A.I" is "for a dot I". A no-break space keeps the letter a word.
_JOINS_A = "for|of|at|that|than|was|not"
_LETTER_A = re.compile(rf"(?<![\w'])((?i:{_JOINS_A})) (?=A(?:\.[A-Z]|-[a-z]))")


def keep_letter_a(text: str) -> str:
    """`text` with "for A.I", "of A-one"... given a no-break space before the letter (same length)."""
    return _LETTER_A.sub("\\1\u00a0", text)
