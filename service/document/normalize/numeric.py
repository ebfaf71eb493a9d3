"""Plain numbers: cardinals, decimals, negatives, ordinals, fractions, ranges, versions.

These are the fall-back rules for anything starting with a digit, a sign or a
vulgar fraction; money, measures, dates and times are tried before them.
"""

from __future__ import annotations

import re

from . import numbers as nw
from .common import NUM, SP, Ctx, Hit, Rule, one, titlecase_word
from .context_words import FUNCTION_WORDS, YEAR_CONTEXT
from .vocab import UNITS, alternation

_SCALE = r"(?i:thousand|million|billion|trillion|quadrillion)|bn|bln|mn|mln|tn|trn|trln"
_SCALE_NAMES = {
    "bn": "billion",
    "bln": "billion",
    "mn": "million",
    "mln": "million",
    "tn": "trillion",
    "trn": "trillion",
    "trln": "trillion",
    "k": "thousand",
}

_PLAIN = re.compile(rf"(?P<n>{NUM})(?:(?P<sp>{SP}?)(?P<scale>{_SCALE})(?![A-Za-z])|(?P<k>k)(?![A-Za-z0-9]))?")


def scale_name(s: str) -> str:
    """Spoken scale word for "bn", "Million", "k"..."""
    return _SCALE_NAMES.get(s, s.lower())


_DIGIT_NOUNS = {"card", "cards", "account", "accounts", "number", "numbers", "phone", "digits", "code", "serial", "id"}


def _is_ending_in(ctx: Ctx, pos: int) -> bool:
    # "card ending in 8876" is read digit by digit; "the war ended in 1918" is a year.
    prev = ctx.prev_word(pos)
    if prev not in ("in", "with"):
        return False
    at = pos - len(ctx.prev_token(pos)) - 1
    before = ctx.prev_word(at)
    if before not in ("ending", "ends", "ended"):
        return False
    at -= len(ctx.prev_token(at)) + 1
    for _ in range(3):
        token = ctx.prev_token(at)
        if not token:
            break
        if token.strip(".,;:!?\"'()").lower() in _DIGIT_NOUNS:
            return True
        at -= len(token) + 1
    return False


def read_integer_token(ctx: Ctx, start: int, end: int, raw: str) -> str:
    """Read a bare integer the way its context suggests (year, digits, or cardinal)."""
    digits_only = raw.replace(",", "")
    if "," in raw:
        return nw.cardinal(int(digits_only))
    if len(raw) > 1 and raw[0] == "0":
        return nw.digits(raw)
    if _is_ending_in(ctx, start):
        return nw.digits(raw)
    value = int(raw)
    nxt = ctx.next_word(end)
    if len(raw) >= 5:
        # Long unseparated numbers are codes, IDs or ZIPs unless a noun is being counted.
        if ctx.is_count_noun(nxt):
            return nw.cardinal(value)
        return nw.digits(raw)
    prev = ctx.prev_word(start).rstrip("-\u2013")  # "mid-2025" is a year
    if len(raw) == 3 and prev in _PAIR_READERS:
        return nw.year(value)  # "Boeing 737" -> "seven thirty seven"
    if len(raw) == 4 and 2100 <= value <= 2999 and prev in YEAR_CONTEXT and not ctx.is_count_noun(nxt):
        return nw.year(value)
    if len(raw) == 4 and value >= 2100 and _after_label(ctx, start) and not ctx.is_count_noun(nxt):
        return nw.year(value)  # an identifier in pairs: "Resolution 2334" -> "twenty three thirty four"
    if len(raw) == 4 and 1000 <= value <= 2099:
        if prev in YEAR_CONTEXT or prev in _MONTH_WORDS:
            return nw.year(value)
        if ctx.is_count_noun(nxt):
            return nw.cardinal(value)
        return nw.year(value)
    return nw.cardinal(value)


def _after_label(ctx: Ctx, pos: int) -> bool:
    """Whether a capitalised noun names the number ("Resolution 2334"), not a sentence start."""
    prev = ctx.prev_token(pos)
    if not titlecase_word(prev) or prev in FUNCTION_WORDS or prev.lower() in _MONTH_WORDS:
        return False
    before = ctx.text[: max(0, pos - len(prev) - 1)].rstrip(" \t")
    return bool(before) and before[-1] not in '.!?\n\r"“'


_PAIR_READERS = {"boeing", "airbus", "embraer", "bombardier", "route", "flight", "highway", "interstate"}
_MONTH_WORDS = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
}


def read_number(ctx: Ctx, start: int, end: int, raw: str) -> str:
    """Spoken form of a number token in running text (decimal or integer)."""
    if "." in raw:
        return nw.number(raw)
    return read_integer_token(ctx, start, end, raw)


def plain_number(ctx: Ctx, pos: int) -> Hit | None:
    """Any number, with an optional scale word: "1,234", "2.05", "100 million", "5bn", "50k"."""
    m = _PLAIN.match(ctx.text, pos)
    if not m:
        return None
    raw = m.group("n")
    scale = m.group("scale") or m.group("k")
    if scale:
        return one(nw.number(raw) + " " + scale_name(scale), pos, m.end())
    return one(read_number(ctx, pos, m.end(), raw), pos, m.end())


def signed(ctx: Ctx, pos: int, inner: list[Rule]) -> Hit | None:
    """A leading sign: "-0.1" -> "minus zero point one", "+5%" -> "plus five percent".

    Only where a sign can stand: not after a letter or digit ("COVID-19", "2-5").
    """
    text = ctx.text
    if pos + 1 >= len(text):
        return None
    if pos > 0 and (text[pos - 1].isalnum() or text[pos - 1] in ")]%.,/-"):
        return None
    nxt = text[pos + 1]
    if not (nxt.isdigit() or nxt == "." or nxt in "$£€¥₹"):
        return None
    if nxt == "." and not (pos + 2 < len(text) and text[pos + 2].isdigit()):
        return None
    word = "plus" if text[pos] == "+" else "minus"
    for rule in inner:
        hit = rule(ctx, pos + 1)
        if hit:
            text0, _s, e = hit.pieces[0]
            hit.pieces[0] = (f"{word} {text0}", pos, e)
            return hit
    return None


_ORDINAL = re.compile(
    r"(?P<n>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?P<suf>st|nd|rd|th|ST|ND|RD|TH|St|Nd|Rd|Th)(?![A-Za-z0-9])"
)


def expected_suffix(n: int) -> str:
    """The ordinal suffix English uses for n (1 -> st, 12 -> th, 23 -> rd)."""
    if 11 <= n % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def ordinal_number(ctx: Ctx, pos: int) -> Hit | None:
    """Ordinals: "21st" -> "twenty first"; a wrong suffix is read out ("2th" -> "two th")."""
    m = _ORDINAL.match(ctx.text, pos)
    if not m:
        return None
    n = int(m.group("n").replace(",", ""))
    suf = m.group("suf").lower()
    if suf == expected_suffix(n):
        return one(nw.ordinal(n), pos, m.end())
    return one(f"{nw.cardinal(n)} {suf}", pos, m.end())


_UNIT_ALT = alternation(k for k in UNITS if k[0].isalpha() and len(k) > 1)

VULGAR = {
    "½": (1, 2),
    "⅓": (1, 3),
    "⅔": (2, 3),
    "¼": (1, 4),
    "¾": (3, 4),
    "⅕": (1, 5),
    "⅖": (2, 5),
    "⅗": (3, 5),
    "⅘": (4, 5),
    "⅙": (1, 6),
    "⅚": (5, 6),
    "⅐": (1, 7),
    "⅛": (1, 8),
    "⅜": (3, 8),
    "⅝": (5, 8),
    "⅞": (7, 8),
    "⅑": (1, 9),
    "⅒": (1, 10),
}
_VULGAR_CLASS = "".join(VULGAR)
_FRACTION = re.compile(
    rf"(?:(?P<w>[0-9]+)(?:{SP}|(?=[{_VULGAR_CLASS}])))?"
    rf"(?:(?P<v>[{_VULGAR_CLASS}])|(?P<n>[0-9]+){SP}?[/\u2044]{SP}?(?P<d>[0-9]+)(?P<suf>(?:st|nd|rd|th)s?|(?:ST|ND|RD|TH)S?)?)"
    r"(?![0-9/A-Za-z]|[.,][0-9])"
    rf"(?:{SP}?(?P<unit>{_UNIT_ALT})(?![A-Za-z0-9]))?"
)
# Written like fractions, said like names.
_SLASH_NAMES = {(9, 11), (24, 7), (50, 50), (20, 20), (7, 11), (365, 24)}


def fraction(ctx: Ctx, pos: int) -> Hit | None:
    """Fractions: "3/4" -> "three quarters", "2 1/2" -> "two and a half", "½"; "9/11" stays a name."""
    m = _FRACTION.match(ctx.text, pos)
    if not m:
        return None
    if m.group("v"):
        num, den = VULGAR[m.group("v")]
    else:
        num, den = int(m.group("n")), int(m.group("d"))
        if len(m.group("n")) > 12 or len(m.group("d")) > 12:
            return None
    whole = m.group("w")
    unit = m.group("unit")
    if whole is not None and num >= den:
        return None  # "2 3/2": leave "2" to the number rule, the fraction matches next
    if whole is None and (num, den) in _SLASH_NAMES and not m.group("suf") and not unit:
        return one(f"{nw.cardinal(num)} {nw.cardinal(den)}", pos, m.end())
    if whole is not None:
        words = f"{nw.cardinal(int(whole))} and {nw.fraction(num, den, mixed=True)}"
    else:
        words = nw.fraction(num, den)
    if unit:
        # "1/2 kg" -> "one half kilogram", "2 1/2 km" -> "two and a half kilometers"
        singular, plural = UNITS[unit]
        words += " " + (plural if whole is not None or num > 1 else singular)
    return one(words, pos, m.end())


_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+){2,}(?![0-9]|\.[0-9])")


def version(ctx: Ctx, pos: int) -> Hit | None:
    """Dotted version numbers: "1.2.3" -> "one point two point three"."""
    m = _VERSION.match(ctx.text, pos)
    if not m:
        return None
    parts = m.group().split(".")
    return one(" point ".join(nw.integer(p) for p in parts), pos, m.end())


_ARITH = re.compile(rf"(?P<a>{NUM}){SP}?(?P<op>[+×=])(?:{SP}?(?P<b>{NUM}))?(?![0-9A-Za-z])")
_OPS = {"+": "plus", "×": "times", "=": "equals"}


def arithmetic(ctx: Ctx, pos: int) -> Hit | None:
    """ "2+3" -> "two plus three", "5+" -> "five plus"."""
    m = _ARITH.match(ctx.text, pos)
    if not m:
        return None
    op = m.group("op")
    a = nw.number(m.group("a"))
    if m.group("b") is None:
        if op != "+":
            return None
        return one(f"{a} plus", pos, m.end())
    return one(f"{a} {_OPS[op]} {nw.number(m.group('b'))}", pos, m.end())


_DIMS = re.compile(rf"(?P<a>{NUM}){SP}?[x×X]{SP}?(?P<b>{NUM})(?:{SP}?[x×X]{SP}?(?P<c>{NUM}))?(?![0-9A-Za-z])")
_MULT = re.compile(rf"(?P<a>{NUM})(?P<x>[x×])(?![A-Za-z0-9])")


def dimensions(ctx: Ctx, pos: int) -> Hit | None:
    """ "2x8" -> "two by eight"; "4.4x" -> "four point four x" (a multiple)."""
    text = ctx.text
    m = _DIMS.match(text, pos)
    if m:
        parts = [nw.number(g) for g in m.group("a", "b", "c") if g]
        return one(" by ".join(parts), pos, m.end())
    m = _MULT.match(text, pos)
    if m:
        word = "times" if m.group("x") == "×" else "x"
        return one(f"{nw.number(m.group('a'))} {word}", pos, m.end())
    return None
