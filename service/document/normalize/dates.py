"""Dates, decades and eras.

"Jan. 5, 2024" -> "January fifth twenty twenty four"; "5 January 2024" -> "the fifth
of January twenty twenty four"; "2024-01-05" and "01/05/2024" (US order, or
day-first when the first number cannot be a month) -> "January fifth ..."; "1990s"
-> "nineteen nineties", "the '90s" -> "the nineties"; "340 A.D" -> "three forty A.D".
"""

from __future__ import annotations

import re

from . import numbers as nw
from .common import SP, Ctx, Hit, titlecase_word
from .context_words import FUNCTION_WORDS
from .letters import spell
from .vocab import MONTH_INDEX, MONTHS, alternation

_MONTH = rf"(?P<mon>(?i:{alternation(MONTH_INDEX)}))(?P<dot>\.)?(?![A-Za-z])"
_DAY = r"(?P<day>[0-9]{1,2})(?P<suf>st|nd|rd|th|ST|ND|RD|TH)?"
_YEAR_END = r"(?![0-9A-Za-z%°]|[.,][0-9])"

_DAY_RANGE = rf"(?:{SP}?[-\u2013]{SP}?(?P<day2>[0-9]{{1,2}})(?P<suf2>st|nd|rd|th)?)?"
_MONTH_DAY = re.compile(
    rf"{_MONTH}(?:{SP}+|-|(?<=\.))(?:the{SP}+)?{_DAY}{_DAY_RANGE}(?![0-9A-Za-z:%°/]|[.,][0-9])"
    rf"(?:(?:,?{SP}+|,)(?P<year>[0-9]{{4}}){_YEAR_END})?"
)
_MONTH_YEAR = re.compile(rf"{_MONTH}{SP}+(?:of{SP}+)?(?P<year>[0-9]{{3,4}}){_YEAR_END}")
_DAY_MONTH = re.compile(rf"{_DAY}{_DAY_RANGE}{SP}*(?:of{SP}+)?{_MONTH}(?:,?{SP}+(?P<year>[0-9]{{4}}){_YEAR_END})?")
# Month names that are also ordinary words need a capital or a year to count.
_AMBIGUOUS = {"may", "march", "mar", "jun", "jan", "dec", "sept", "sep", "oct", "aug", "nov"}


def _month_ok(m: re.Match[str], strict: bool) -> bool:
    mon = m.group("mon")
    low = mon.lower()
    if low not in _AMBIGUOUS or not mon.islower():
        return True
    if low in ("may", "march", "mar"):
        return bool(m.group("year")) or (not strict and bool(m.group("suf")))
    return True


def _second_day(m: re.Match[str]) -> str:
    """ " to eighteenth" for a day range "17-18", else ""."""
    day2 = m.group("day2")
    if day2 and 1 <= int(day2) <= 31:
        return " to " + nw.ordinal(int(day2))
    return ""


def _year_words(raw: str) -> str:
    return nw.year(int(raw))


def month_first(ctx: Ctx, pos: int) -> Hit | None:
    """ "July 25, 2012", "Jan. 5", "SEPT. 15", "Jan-15", "July 1506" (month and year)."""
    text = ctx.text
    m = _MONTH_DAY.match(text, pos)
    if m and _month_ok(m, strict=False):
        day = int(m.group("day"))
        if 1 <= day <= 31:
            month = MONTHS[MONTH_INDEX[m.group("mon").lower()] - 1]
            words = f"{month} {nw.ordinal(day)}{_second_day(m)}"
            if m.group("year"):
                words += " " + _year_words(m.group("year"))
            return Hit(m.end(), [(words, pos, m.end())])
    m = _MONTH_YEAR.match(text, pos)
    if m and _month_ok(m, strict=True) and (m.group("mon")[0].isupper() or len(m.group("mon")) > 3):
        month = MONTHS[MONTH_INDEX[m.group("mon").lower()] - 1]
        return Hit(m.end(), [(f"{month} {_year_words(m.group('year'))}", pos, m.end())])
    return None


def day_first(ctx: Ctx, pos: int) -> Hit | None:
    """ "25 July 2012", "26th May", "25 sept." -> "the twenty fifth of July twenty twelve"."""
    m = _DAY_MONTH.match(ctx.text, pos)
    if not m or not _month_ok(m, strict=True):
        return None
    day = int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    mon = m.group("mon")
    if mon.islower() and mon.lower() in ("may", "march", "mar") and not (m.group("year") or m.group("suf")):
        return None
    month = MONTHS[MONTH_INDEX[mon.lower()] - 1]
    words = f"{nw.ordinal(day)}{_second_day(m)} of {month}"
    if ctx.prev_word(pos) != "the":
        words = "the " + words
    if m.group("year"):
        words += " " + _year_words(m.group("year"))
    pieces = [(words, pos, m.end())]
    if m.group("dot") and not m.group("year") and ctx.sentence_end(m.end()):
        pieces.append((".", m.end() - 1, m.end()))
    return Hit(m.end(), pieces)


_ISO = re.compile(r"(?P<y>[12][0-9]{3})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})(?![0-9]|[.,/-][0-9])")
_NUMERIC = re.compile(
    r"(?P<a>[0-9]{1,2})(?P<sep>[-/.])(?P<b>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4}|[0-9]{2})(?![0-9]|[.,/-][0-9])"
)


def _short_year(raw: str) -> str:
    return nw.digits(raw) if raw[0] == "0" else nw.cardinal(int(raw))


def numeric_date(ctx: Ctx, pos: int) -> Hit | None:
    """ "2016-11-03", "2016/07/03", "01/05/2024" (US), "15-01-2020" (day first), "11/17/05"."""
    text = ctx.text
    m = _ISO.match(text, pos)
    if m:
        month, day = int(m.group("m")), int(m.group("d"))
        if 1 <= month <= 12 and 1 <= day <= 31:
            words = f"{MONTHS[month - 1]} {nw.ordinal(day)} {_year_words(m.group('y'))}"
            return Hit(m.end(), [(words, pos, m.end())])
        return None
    m = _NUMERIC.match(text, pos)
    if not m:
        return None
    a, b, y = int(m.group("a")), int(m.group("b")), m.group("y")
    if len(y) == 2 and m.group("sep") == ".":
        return None  # "1.2.34" is more likely a version number
    year = _year_words(y) if len(y) == 4 else _short_year(y)
    if 1 <= a <= 12 and 1 <= b <= 31:
        words = f"{MONTHS[a - 1]} {nw.ordinal(b)} {year}"
    elif 1 <= b <= 12 and 1 <= a <= 31:
        words = f"the {nw.ordinal(a)} of {MONTHS[b - 1]} {year}"
    else:
        return None
    return Hit(m.end(), [(words, pos, m.end())])


_DECADE4 = re.compile(r"(?P<y>[0-9]{3}0)(?:" + SP + r"(?=s(?![A-Za-z0-9])))?['\u2019]?s(?![A-Za-z0-9])")
_DECADE2 = re.compile(r"(?P<q>['\u2019\u2018])?(?P<y>[0-9]0)['\u2019]?s(?![A-Za-z0-9])")
_DECADE_RANGE = re.compile(rf"{SP}?(?:[-\u2013]|to){SP}?(?=['\u2019\u2018]?[0-9])")


def _decade_at(text: str, pos: int) -> tuple[str, int] | None:
    m = _DECADE4.match(text, pos)
    if m:
        return nw.decade(int(m.group("y"))), m.end()
    m = _DECADE2.match(text, pos)
    if m:
        y = int(m.group("y"))
        return ("two thousands" if y == 0 else nw.decade(y)), m.end()
    return None


def decade(ctx: Ctx, pos: int) -> Hit | None:
    """ "1980s", "1980 s", "'80s", "2000s", and ranges "1960s-80s"."""
    text = ctx.text
    first = _decade_at(text, pos)
    if first is None:
        return None
    words, end = first
    pieces = [(words, pos, end)]
    r = _DECADE_RANGE.match(text, end)
    if r:
        second = _decade_at(text, r.end())
        if second:
            pieces.append(("to", end, r.end()))
            pieces.append((second[0], r.end(), second[1]))
            end = second[1]
    return Hit(end, pieces)


_ERA_AFTER = re.compile(
    rf"(?P<y>[0-9]{{1,4}}){SP}?(?P<era>A\.D\.?|AD|B\.C\.E\.?|BCE|B\.C\.?|BC|C\.E\.?|CE)(?![A-Za-z])"
)
_ERA_BEFORE = re.compile(rf"(?P<era>A\.D\.?|AD){SP}?(?P<y>[0-9]{{1,4}})(?![0-9A-Za-z])")


def era(ctx: Ctx, pos: int) -> Hit | None:
    """Years with an era: "340 A.D" -> "three forty A.D", "44 BC", "AD 79"."""
    text = ctx.text
    m = _ERA_AFTER.match(text, pos) or _ERA_BEFORE.match(text, pos)
    if not m:
        return None
    letters = spell(m.group("era").replace(".", ""))
    year = nw.year(int(m.group("y")))
    words = f"{year} {letters}" if m.start("y") == pos else f"{letters} {year}"
    pieces = [(words, pos, m.end())]
    if text[m.end() - 1] == "." and ctx.sentence_end(m.end(), strong=True):
        pieces.append((".", m.end() - 1, m.end()))
    return Hit(m.end(), pieces)


_SHORT = re.compile(r"(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})(?![0-9/]|[.,][0-9])")
_DATE_PREPOSITIONS = {"on", "since", "until", "till", "before", "after", "from", "through"}


def short_date(ctx: Ctx, pos: int) -> Hit | None:
    """Month/day without a year after "on", "since"...: "on 8/8" -> "on August eighth"."""
    m = _SHORT.match(ctx.text, pos)
    if not m or ctx.prev_word(pos) not in _DATE_PREPOSITIONS:
        return None
    a, b = int(m.group("a")), int(m.group("b"))
    if not (1 <= a <= 12 and 1 <= b <= 31):
        return None
    return Hit(m.end(), [(f"{MONTHS[a - 1]} {nw.ordinal(b)}", pos, m.end())])


_PERIOD = re.compile(r"(?:(?P<kind>[QH])(?P<n>[1-4])|(?P<n2>[1-4])(?P<kind2>[QH]))")
# A year after the period: "2Q22", "Q3'24", "Q1 2024", "H2 FY25" is left to the words rule.
_PERIOD_YEAR = re.compile(rf"(?:{SP}?['\u2019]|{SP}(?=[0-9]{{4}}))?(?P<y>[0-9]{{4}}|[0-9]{{2}})(?![0-9A-Za-z])")
_PERIOD_NOUNS = {
    "earnings", "results", "revenue", "revenues", "sales", "profit", "profits", "loss", "losses", "report",
    "guidance", "growth", "gdp", "figures", "numbers", "call", "update", "deliveries", "shipments", "margin",
}  # fmt: skip
_PERIOD_PREPOSITIONS = {"in", "for", "during", "since", "through", "by", "from", "until", "of", "over", "into", "to"}


def period(ctx: Ctx, pos: int) -> Hit | None:
    """Quarters and halves of a year: "Q3" -> "third quarter", "2Q22" -> "second quarter twenty
    twenty two", "in H1 2025" -> "in the first half of twenty twenty five"."""
    text = ctx.text
    m = _PERIOD.match(text, pos)
    if not m:
        return None
    kind = m.group("kind") or m.group("kind2")
    n = int(m.group("n") or m.group("n2"))
    end = m.end()
    y = _PERIOD_YEAR.match(text, end)
    if y and y.start() == end and text[end : end + 1].isdigit() and m.group("kind"):
        y = None  # "Q322" is no period
    if y is None and (end < len(text) and (text[end].isalnum() or text[end] in "'\u2019")):
        return None
    if kind == "H" and n > 2:
        return None
    prev = ctx.prev_token(pos)
    if (
        m.group("kind")
        and titlecase_word(prev)
        and prev not in FUNCTION_WORDS
        and ctx.next_word(m.end()).lower() not in _PERIOD_NOUNS
    ):
        return None  # a model name: "Audi Q3" (but "Apple Q3 earnings")
    after = ctx.prev_word(pos) in _PERIOD_PREPOSITIONS
    if kind == "H" and not (y or after):
        return None  # "H1" alone is more often a name (H1N1, the H1 tag)
    words = f"{nw.ordinal(n)} {'quarter' if kind == 'Q' else 'half'}"
    if after:
        words = "the " + words
    if y:
        year = int(y.group("y"))
        words += (" of " if after else " ") + nw.year(year if year >= 100 else 2000 + year)
        end = y.end()
    return Hit(end, [(words, pos, end)])
