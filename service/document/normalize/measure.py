"""Measures and percentages: "5 km", "3.5kg", "100 mph", "20°C", "5%", "5-10%", "12kg/kg", "41 km³".

A number (or a range, or dimensions "2x8") with an optional scale word, then a unit
abbreviation from `vocab.UNITS`, an optional square/cubic marker and an optional
"/unit". The unit is singular after exactly "1" and when the measure modifies a noun,
decided by the grammar around it: hyphenated ("a 5-km race" -> "a five kilometer race",
"a 5 km-long tunnel"), or followed by a noun (directly or after a dimension, "a 12 m
deep trench") when the unit is written onto its number ("3nm chips", "a 120Hz screen"),
when a determiner opens the noun phrase ("the 1,900 kg craft", "his 6 ft frame", "a new
5 km race") or when the noun is plural ("50 mph winds"); "it weighs 1,900 kg", "40 km
north" keep the plural. Also "40/kg" -> "forty per kilogram" and a temperature written
onto its number, "65F" -> "sixty five degrees Fahrenheit". News style's dotted imperial
abbreviations are units with their full stop ("3 to 6 in. of rain" -> "three to six
inches of rain"; `vocab.DOTTED_UNITS`): the stop is the abbreviation's, and is kept as
the sentence's only where the sentence ends there.
"""

from __future__ import annotations

import re

from . import numbers as nw
from .common import NUM, SP, Ctx, Hit, one
from .context_words import FUNCTION_WORDS
from .numeric import scale_name
from .vocab import (
    DETERMINERS,
    DIMENSIONS,
    DOTTED_UNITS,
    LENGTH_UNITS,
    NOT_A_NOUN,
    NUMBER_LABELS,
    PER_UNITS,
    UNITS,
    alternation,
)

_UNITS = alternation(UNITS)
_PER = alternation(PER_UNITS)
_MEASURE = re.compile(
    rf"(?P<n1>{NUM})"
    rf"(?:(?P<u1>{SP}?(?:%|°C|°F|°))?(?P<rsep>{SP}?[-\u2013\u2014]{SP}?|{SP}to{SP})(?P<n2>{NUM}))?"
    rf"(?:{SP}?[x×]{SP}?(?P<n3>{NUM}))?"
    rf"(?:{SP}?(?P<scale>(?i:thousand|million|billion|trillion)|bn|mn|tn))?"
    rf"(?P<usep>{SP}|-)?(?P<unit>{_UNITS}|in(?=\.))"
    rf"(?P<pow>[²³]|(?<=[A-Za-z])[23](?![0-9]))?"
    rf"(?:{SP}?/{SP}?(?P<per>{_PER}))?"
    r"(?![A-Za-z0-9])"
)


def _noun(word: str) -> bool:
    """Whether a word just after a measure can be the noun it describes (lowercase, not a function
    word, an adverb of place or a participle: "the 2 kg seized" is no "2 kg seized")."""
    return word.isalpha() and word.islower() and word not in NOT_A_NOUN and not (len(word) > 5 and word.endswith("ed"))


def modifies_noun(ctx: Ctx, end: int) -> bool:
    """Whether the measure ending at `end` is followed by the noun it describes, directly or after a
    dimension ("a 12 m deep trench")."""
    if ctx.text[end : end + 1] not in (" ", "\u00a0"):
        return False
    nxt = ctx.next_word(end)
    if nxt in DIMENSIONS:
        after = _NEXT_WORD.match(ctx.text, end)
        return after is not None and _noun(ctx.next_word(after.end()))
    return _noun(nxt)


_NEXT_WORD = re.compile(r"[ \t\u00a0]+\S+")


_COUNTS = frozenset(nw.cardinal(n) for n in range(2, 13))  # "two 5 kg bags"


def _determiner(token: str) -> bool:
    """Whether a token opens a noun phrase: an article or other determiner, a possessive ("Nasa's",
    "this year's") or a count ("two", "12")."""
    if token[-1:] in ',;:.!?)"”':
        return False
    word = token.lower()
    possessive = word.endswith(("'s", "\u2019s", "s'", "s\u2019"))
    return word in DETERMINERS or word in _COUNTS or possessive or (word.isdigit() and len(word) < 4)


def after_determiner(ctx: Ctx, pos: int) -> bool:
    """Whether the number at `pos` stands in a noun phrase a determiner opened: right after it ("the
    1,900 kg craft", "his 6 ft frame", "two 5 kg bags") or after it and one adjective ("a new 5 km
    race", "12 new 40 ft boats"). A verb or a noun between ("the rover drove 5 km") is neither."""
    prev = ctx.prev_token(pos)
    if not prev:
        return False
    if _determiner(prev):
        return True
    if not (prev.isalpha() and prev.islower()) or prev in NOT_A_NOUN:
        return False
    before = ctx.prev_token(ctx.text.rindex(prev, 0, pos))
    return bool(before) and _determiner(before)


def unit_words(unit: str, plural: bool, power: str | None) -> str:
    """Spoken unit: ("km", True, "²") -> "square kilometers"."""
    singular, plural_name = UNITS[unit] if unit in UNITS else DOTTED_UNITS[unit]
    name = plural_name if plural else singular
    if power and unit in LENGTH_UNITS:
        name = ("square " if power in "²2" else "cubic ") + name
    elif power:
        name += " " + nw.cardinal(int(power.translate(str.maketrans("²³", "23"))))
    return name


def describes_noun(ctx: Ctx, pos: int, end: int, usep: str) -> bool:
    """Whether the measure at source[pos:end] modifies a noun, so its unit is said in the singular as
    a newsreader does ("the nineteen hundred kilogram craft", "it weighs ... kilograms"): a hyphen after
    it ("a 5 km-long tunnel"), or a noun after it when the unit is written onto its number ("3nm
    chips"), a determiner opens its noun phrase ("the 1,900 kg craft") or the noun is a plural one
    ("50 mph winds", "4 ft drifts")."""
    if ctx.text[end : end + 1] == "-" and ctx.text[end + 1 : end + 2].isalpha():
        return True
    if not modifies_noun(ctx, end):
        return False
    return not usep or after_determiner(ctx, pos) or ctx.is_count_noun(ctx.next_word(end))


def measure(ctx: Ctx, pos: int) -> Hit | None:
    """A quantity with a unit, possibly a range or dimensions."""
    m = _MEASURE.match(ctx.text, pos)
    if not m:
        return None
    unit = m.group("unit")
    usep = m.group("usep") or ""
    n1, n2, n3 = m.group("n1", "n2", "n3")
    u1 = (m.group("u1") or "").strip()
    if u1 and u1 != unit.strip()[: len(u1)]:
        return None
    scale = m.group("scale")
    if unit == "m" and not scale and not m.group("pow") and not m.group("per"):
        nxt = ctx.next_word(m.end())
        if ctx.is_count_noun(nxt) and nxt not in ("hurdles", "heats", "finals"):
            scale, unit = "million", ""  # "1.5m people" is a count, not a length
    last = n3 or n2 or n1
    end = m.end()
    # "6 in. of rain": the abbreviation's own full stop belongs to the measure.
    dotted = unit in DOTTED_UNITS and not m.group("per") and ctx.text[end : end + 1] == "."
    if dotted:
        end += 1
    adjective = usep == "-" or (not scale and describes_noun(ctx, pos, end, usep))
    plural = not adjective and (bool(scale) or not nw.is_singular(last))
    name = unit_words(unit, plural, m.group("pow")) if unit else ""
    per = m.group("per")
    if per:
        name += " per " + PER_UNITS[per]
    words = nw.number(n1)
    if n2 is not None:
        words += " to " + nw.number(n2)
    if n3 is not None:
        words += " by " + nw.number(n3)
    if scale:
        words += " " + scale_name(scale)
    inches = _INCHES.match(ctx.text, end) if unit in ("ft", "FT") and not per else None
    if inches:
        # "5 ft 11 in" -> "five feet eleven inches"; describing a noun, "the 6 ft 2 in. forward" -> "six foot two"
        n = inches.group("n")
        end = inches.end()
        dotted = bool(inches.group("dot"))
        adjective = adjective or describes_noun(ctx, pos, end, usep)
        if adjective:
            name = f"{unit_words(unit, False, None)} {nw.cardinal(int(n))}"
        else:
            name += f" {nw.cardinal(int(n))} {'inch' if n == '1' else 'inches'}"
    pieces = [(f"{words} {name}".rstrip(), pos, end)]
    # A name never follows a unit, so a capital starts a sentence, unless the measure describes it ("a 55-in. TV").
    if dotted and not adjective and ctx.sentence_end(end, strong=True):
        pieces.append((".", end - 1, end))
    return Hit(end, pieces)


_INCHES = re.compile(rf"{SP}(?P<n>[0-9]{{1,2}}){SP}?(?:in(?P<dot>\.)?|inches|\"|\u2033)(?![A-Za-z0-9])")


_HEIGHT = re.compile(r"(?P<ft>[0-9])['\u2032\u2019](?P<inch>[0-9]{1,2})(?:\"|\u2033|''|\u201d)?(?![0-9A-Za-z])")


def height(ctx: Ctx, pos: int) -> Hit | None:
    """Heights in feet and inches: 5'10" -> "five foot ten"."""
    m = _HEIGHT.match(ctx.text, pos)
    if not m or int(m.group("inch")) > 11:
        return None
    return Hit(m.end(), [(f"{nw.cardinal(int(m.group('ft')))} foot {nw.cardinal(int(m.group('inch')))}", pos, m.end())])


_PER_ONLY = re.compile(rf"(?P<n>{NUM}){SP}?/{SP}?(?P<per>{_PER})(?![A-Za-z0-9/])")


def per_unit(ctx: Ctx, pos: int) -> Hit | None:
    """A rate with no unit before the slash: "40/kg" -> "forty per kilogram"."""
    m = _PER_ONLY.match(ctx.text, pos)
    if not m:
        return None
    return one(f"{nw.number(m.group('n'))} per {PER_UNITS[m.group('per')]}", pos, m.end())


_TEMPERATURE = re.compile(rf"(?P<n1>{NUM})(?:(?P<sep>[-\u2013])(?P<n2>{NUM}))?(?P<unit>[CF])(?![A-Za-z0-9])")


def _starts_sentence(ctx: Ctx, pos: int) -> bool:
    """Whether the token at `pos` is the first of its sentence or line."""
    before = ctx.text[max(0, pos - 3) : max(0, pos)].rstrip(" \t")
    return not before or before[-1] in '.!?\n\r"“'


def temperature(ctx: Ctx, pos: int) -> Hit | None:
    """A temperature with C or F written onto the number: "35C", "65F", "20-25C"."""
    m = _TEMPERATURE.match(ctx.text, pos)
    if not m:
        return None
    text = ctx.text
    at = pos - 1 if pos and text[pos - 1] in "+-\u2212" and (pos == 1 or text[pos - 2].isspace()) else pos
    prev = ctx.prev_token(at)
    named = (
        any(c.isupper() for c in prev) and prev not in FUNCTION_WORDS and not _starts_sentence(ctx, at - 1 - len(prev))
    )
    if ctx.prev_word(at) in NUMBER_LABELS or named or (prev and prev[-1] in "#-/"):
        return None  # a label ("Seat 14C") or a model name ("iPhone 5C")
    n1, n2 = m.group("n1", "n2")
    words = nw.number(n1) + (f" to {nw.number(n2)}" if n2 else "")
    scale = "Celsius" if m.group("unit") == "C" else "Fahrenheit"
    singular = nw.is_singular(n2 or n1) or describes_noun(ctx, at, m.end(), "")  # "a 40C day"
    return one(f"{words} {'degree' if singular else 'degrees'} {scale}", pos, m.end())
