"""Word-level rules: abbreviations and titles, initialisms, name initials, symbols.

"Dr. Evil" -> "Doctor Evil", "St." -> "Saint" before a name and "Street" after one,
"Apple Inc." -> "Apple Incorporated", "U.S." -> "U.S", "C. S. Lewis" -> "C.S Lewis",
"GPU" -> "G.P.U", "OpenAI" -> "Open A.I", "MH17" -> "M.H seventeen". When an abbreviation's full
stop also ends the sentence, the full stop is put back so the prosody survives.
"""

from __future__ import annotations

import re

from . import numbers as nw
from .common import SP, Ctx, Hit, one, titlecase_word
from .context_words import FUNCTION_WORDS
from .letter_tables import LOWER_INITIALISMS
from .letters import camel_parts, caps_word, spell
from .vocab import MONTH_INDEX, MONTHS
from .word_tables import (
    BEFORE_NUMBER,
    GENERAL,
    NO_DOT_SUFFIXES,
    NO_DOT_TITLES,
    SPECIAL_WORDS,
    STATES,
    STREETS,
    SUFFIXES,
    TITLES,
)

# Bounded so a long run like "x.comx.comx.com" cannot make each match scan the rest of the text.
_ABBR = re.compile(r"(?P<w>[A-Za-z]{1,12}(?:\.[A-Za-z]{1,4}){0,3})(?P<dot>\.)?(?![A-Za-z0-9])")


def _next_is_name(ctx: Ctx, end: int) -> bool:
    nxt = ctx.next_word(end)
    return bool(nxt) and nxt[0].isupper() and ctx.text[end : end + 1] in " \t\u00a0"


def _prev_is_name_or_number(ctx: Ctx, pos: int) -> bool:
    prev = ctx.prev_token(pos)
    if not prev or prev[-1] in ".,;:!?\"'”)":
        return False
    if prev[0].isdigit():
        return True
    return (titlecase_word(prev) and prev not in FUNCTION_WORDS) or (prev.isupper() and prev.isalpha())


def _with_stop(ctx: Ctx, words: str, pos: int, end: int, dotted: bool, strong: bool) -> Hit:
    """Hit for an expanded abbreviation, restoring a sentence-ending full stop."""
    pieces = [(words, pos, end)]
    if dotted and ctx.sentence_end(end, strong=strong):
        pieces.append((".", end - 1, end))
    return Hit(end, pieces)


def abbreviation(ctx: Ctx, pos: int) -> Hit | None:
    """Titles, company and street suffixes, Latin abbreviations, "No. 5", month and state abbreviations."""
    text = ctx.text
    m = _ABBR.match(text, pos)
    if not m:
        return None
    key, dotted, end = m.group("w"), bool(m.group("dot")), m.end()
    if key in ("St", "Dr") and (dotted or text[end : end + 1] == " "):
        # Saint/Doctor before a name, Street/Drive after one (or after a house number).
        if _prev_is_name_or_number(ctx, pos) and not (ctx.prev_token(pos)[:1].isdigit() and _next_is_name(ctx, end)):
            return _with_stop(ctx, STREETS[key], pos, end, dotted, strong=True)
        if _next_is_name(ctx, end) or (key == "Dr" and dotted and ctx.next_word(end) in ("and", "&")):
            return one("Saint" if key == "St" else "Doctor", pos, end)
        if key == "St":
            return _with_stop(ctx, "Street", pos, end, dotted, strong=True)
        return None
    title = TITLES.get(key) or (TITLES.get(key.capitalize()) if key.isupper() else None)  # "DR." in headlines
    if title and (dotted or key in NO_DOT_TITLES) and (_next_is_name(ctx, end) or ctx.next_word(end) in ("and", "&")):
        return one(title, pos, end)
    if key in SUFFIXES and (dotted or key in NO_DOT_SUFFIXES):
        prev = ctx.prev_token(pos)
        if prev and (prev[0].isupper() or prev[0].isdigit() or prev.endswith(",") or prev in ("&", "and")):
            return _with_stop(ctx, SUFFIXES[key], pos, end, dotted, strong=False)
    if key in STREETS and key not in ("St", "Dr") and _prev_is_name_or_number(ctx, pos):
        return _with_stop(ctx, STREETS[key], pos, end, dotted, strong=True)
    if key in GENERAL and (dotted or key in ("vs", "Vs")):
        return _with_stop(ctx, GENERAL[key], pos, end, dotted, strong=key == "etc")
    if key == "v" and dotted and titlecase_word(ctx.prev_token(pos)) and _next_is_name(ctx, end):
        return one("versus", pos, end)
    if key in BEFORE_NUMBER and dotted:
        j = end
        while j < len(text) and text[j] in " \t":
            j += 1
        if j < len(text) and (text[j].isdigit() or (key in ("Vol", "Ch") and text[j] in "IVX")):
            return one(BEFORE_NUMBER[key], pos, end)
    if dotted and key.lower() in MONTH_INDEX and key.lower() != "may" and len(key) <= 4 and key[0].isupper():
        return _with_stop(ctx, MONTHS[MONTH_INDEX[key.lower()] - 1], pos, end, dotted, strong=False)
    if dotted and key in STATES and ctx.prev_token(pos).endswith(","):
        return _with_stop(ctx, STATES[key], pos, end, dotted, strong=False)
    return None


_DOTTED = re.compile(r"(?:[A-Za-z]\.){2,}(?:[A-Za-z](?![A-Za-z0-9]))?(?:-(?=[A-Za-z]))?")


def dotted_initialism(ctx: Ctx, pos: int) -> Hit | None:
    """ "U.S." -> "U.S", "D.C." -> "D.C" (a trailing hyphen as in "U.S.-China" becomes a space)."""
    m = _DOTTED.match(ctx.text, pos)
    if not m:
        return None
    raw = m.group()
    letters = "".join(c for c in raw if c.isalpha())
    end = m.end()
    dotted_end = raw.rstrip("-").endswith(".")
    if raw.endswith("-"):
        return one(spell(letters), pos, end)
    return _with_stop(ctx, spell(letters), pos, end, dotted_end, strong=False)


_INITIALS = re.compile(rf"[A-Z]\.(?:{SP}?[A-Z]\.)*(?={SP}+[A-Z][a-z])")


def initials(ctx: Ctx, pos: int) -> Hit | None:
    """Initials before a surname: "C. S. Lewis" -> "C.S Lewis", "George W. Bush" -> "W"."""
    m = _INITIALS.match(ctx.text, pos)
    if not m:
        return None
    letters = [c for c in m.group() if c.isalpha()]
    if len(letters) == 1:
        prev = ctx.prev_token(pos)
        if not titlecase_word(prev) or ctx.sentence_end(m.end()):
            return None
    return one(spell("".join(letters)), pos, m.end())


_AMP = re.compile(r"(?P<a>[A-Z]{1,4})&(?P<b>[A-Z]{1,4})(?P<tail>['\u2019]?s)?(?![A-Za-z])")


def ampersand_initials(ctx: Ctx, pos: int) -> Hit | None:
    """ "AT&T" -> "A.T and T", "S&P" -> "S and P", "Q&A" -> "Q and A"."""
    m = _AMP.match(ctx.text, pos)
    if not m:
        return None
    a, b = m.group("a"), m.group("b")
    return one(f"{spell(a)} and {spell(b)}{m.group('tail') or ''}", pos, m.end())


_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_CAPS = re.compile(r"[A-Z]{2,}(?:['\u2019]?s)?")


def _alnum(word: str) -> str | None:
    """Letters and digits mixed: "MH17" -> "M.H seventeen", "FY2025" -> "fiscal year twenty twenty five"."""
    parts = camel_parts(word)
    out: list[str] = []
    prev = ""
    for p in parts:
        if p.isdigit():
            if prev == "FY":
                out.append(nw.year(int(p)) if len(p) == 4 else nw.integer(p))
            elif len(p) >= 5 or (len(p) > 1 and p[0] == "0"):
                out.append(nw.digits(p))
            elif len(p) in (3, 4) and prev.isalpha():
                # Model numbers read in pairs: "A320" -> "A three twenty", "RTX4090".
                out.append(nw.year(int(p)))
            else:
                out.append(nw.cardinal(int(p)))
        elif p == "FY":
            out.append("fiscal year")
        elif p.isascii() and p.isupper() and len(p) >= 2:
            out.append(caps_word(p) or p)
        else:
            out.append(p)
        if prev == "A" and p.isdigit() and len(out) >= 2:
            # A lone "A" is read as the article (schwa) by espeak-ng; joined to its number
            # it is the letter: "A100" -> "A-one hundred".
            out[-2:] = [f"A-{out[-1]}"]
        prev = p
    return " ".join(out)


def word(ctx: Ctx, pos: int) -> Hit | None:
    """Initialisms ("GPU" -> "G.P.U", "CEOs" -> "C.E.O's"), camel-case initialisms, letter-digit mixes."""
    m = _WORD.match(ctx.text, pos)
    if not m:
        return None
    w = m.group()
    if w in SPECIAL_WORDS:
        return one(SPECIAL_WORDS[w], pos, m.end())
    if not w.isascii():
        return None
    if any(c.isdigit() for c in w):
        return one(_alnum(w) or w, pos, m.end())
    if _CAPS.fullmatch(w):
        spoken = caps_word(w, ctx.is_shouting(pos))
        return one(spoken, pos, m.end()) if spoken else None
    if w in LOWER_INITIALISMS:
        return one(spell(w), pos, m.end())
    if not w.islower() and not w.istitle():
        parts = camel_parts(w)
        if any(p.isupper() and len(p) >= 2 for p in parts):
            spoken = " ".join((caps_word(p) or p) if p.isupper() and len(p) >= 2 else p for p in parts)
            return one(spoken, pos, m.end())
    return None


_401K = re.compile(r"(?P<n>[0-9]{3})\((?P<l>[a-z])\)")


def plan_name(ctx: Ctx, pos: int) -> Hit | None:
    """Retirement-plan style names: "401(k)" -> "four oh one k"."""
    m = _401K.match(ctx.text, pos)
    if not m:
        return None
    spoken = " ".join("oh" if c == "0" else nw.cardinal(int(c)) for c in m.group("n"))
    return one(f"{spoken} {m.group('l')}", pos, m.end())


def ampersand(ctx: Ctx, pos: int) -> Hit | None:
    """A free-standing "&" -> "and"."""
    text = ctx.text
    if text[pos] != "&":
        return None
    return one("and", pos, pos + 1)


def tilde(ctx: Ctx, pos: int) -> Hit | None:
    """ "~5" -> "about 5" (the number rule reads the number)."""
    text = ctx.text
    if pos + 1 < len(text) and text[pos + 1].isdigit() and (pos == 0 or not text[pos - 1].isalnum()):
        return one("about", pos, pos + 1)
    return None
