"""The scanner: walks the text token by token and lets the first matching rule rewrite it.

Rules are grouped by the character a match can start with, so a plain lowercase
word costs only a handful of failed regex matches. Anything no rule claims is
copied through unchanged, which keeps unknown text (and every newline) intact.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from . import (
    dates,
    electronic,
    measure,
    mixedcase,
    money,
    news,
    numeric,
    ranges,
    roman,
    telephone,
    times,
    word_tables,
    words,
)
from .common import Ctx, Hit, Rule
from .letter_tables import LOWER_INITIALISMS
from .letters import keep_letter_a
from .spoken import Builder, Spoken
from .vocab import MONTH_INDEX

# Tried in order at a digit: the most specific shapes first (an IP address before a
# phone number before a date before a version number; a time before a measure; a
# measure before a bare range), and `plain_number` last, which always matches, so no
# digit run is ever left unread.
_DIGIT_RULES: list[Rule] = [
    electronic.electronic,
    dates.period,
    telephone.ip_address,
    telephone.telephone,
    telephone.local_number,
    dates.numeric_date,
    numeric.version,
    times.clock_time,
    dates.day_first,
    dates.decade,
    dates.era,
    words.plan_name,
    dates.short_date,
    numeric.fraction,
    numeric.ordinal_number,
    money.money_suffix,
    measure.height,
    measure.measure,
    measure.per_unit,
    measure.temperature,
    times.ratio,
    ranges.number_range,
    numeric.dimensions,
    numeric.arithmetic,
    numeric.plain_number,
]
_NUMBER_AFTER_SIGN: list[Rule] = [
    money.money_prefix,
    money.money_suffix,
    numeric.fraction,
    measure.measure,
    measure.temperature,
    numeric.plain_number,
]


def _signed(ctx: Ctx, pos: int) -> Hit | None:
    return numeric.signed(ctx, pos, _NUMBER_AFTER_SIGN)


def _decimal_start(ctx: Ctx, pos: int) -> Hit | None:
    # ".5" only when the dot is not the end of a word or number ("3.5" was consumed whole).
    text = ctx.text
    if pos + 1 < len(text) and text[pos + 1].isdigit() and (pos == 0 or not text[pos - 1].isalnum()):
        for rule in (money.money_suffix, measure.measure, numeric.plain_number):
            hit = rule(ctx, pos)
            if hit:
                return hit
    return None


# Tried at a letter. Addresses first (they contain dots that other rules would take),
# dates before abbreviations ("Jan. 5" is a date, "Jan." alone an abbreviation), the
# generic initialism/word handler last.
_LETTER_RULES: list[Rule] = [
    electronic.electronic,
    dates.period,
    news.dateline,
    news.ticker,
    news.party_tag,
    telephone.phone_label,
    dates.month_first,
    words.abbreviation,
    money.money_prefix,
    dates.era,
    words.ampersand_initials,
    words.dotted_initialism,
    words.initials,
    roman.roman,
    mixedcase.mixed_case,
    words.word,
]
_SYMBOL_RULES: dict[str, list[Rule]] = {
    "+": [telephone.telephone, _signed],
    "-": [_signed],
    "\u2212": [_signed],
    ".": [_decimal_start],
    "(": [news.wire_tag, telephone.telephone],
    "'": [dates.decade],
    "\u2019": [dates.decade],
    "\u2018": [dates.decade],
    "#": [electronic.hash_sign],
    "@": [electronic.handle],
    "&": [words.ampersand],
    "~": [words.tilde],
    "/": [news.wire_tag, electronic.slash],
}
for _sym in "$£€¥₹₩₽₺₪₦₱฿₫₴₿":
    _SYMBOL_RULES[_sym] = [money.money_prefix]
for _sym in numeric.VULGAR:
    _SYMBOL_RULES[_sym] = [numeric.fraction]

_SKIP_SPACE = re.compile(r"\s+")
# Fast path: an ordinary lowercase or capitalised word followed by a space or plain
# punctuation cannot start any letter rule unless it is one of these words, so most
# of the text skips the rule list entirely.
_PLAIN_WORD = re.compile(r"[a-z]+|[A-Z][a-z]+")
_QUIET_AFTER = frozenset(' \t\n\r,;:!?)"\u201d')
_RULE_WORDS = frozenset(
    list(MONTH_INDEX)
    + [k.capitalize() for k in MONTH_INDEX]
    + list(word_tables.NO_DOT_TITLES)
    + list(word_tables.NO_DOT_SUFFIXES)
    + list(word_tables.STREETS)
    + list(LOWER_INITIALISMS)
    + ["Tel", "Ph", "vs", "Vs", "Rs", "http", "https", "ftp", "file", "mailto", "Nasdaq", "Euronext", "Cboe"]
)
_SKIP_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def _rules_for(c: str) -> list[Rule]:
    if "0" <= c <= "9":
        return _DIGIT_RULES
    if c.isalpha():
        return _LETTER_RULES
    return _SYMBOL_RULES.get(c, [])


@lru_cache(maxsize=32)
def _lexicon_pattern(items: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    keys = sorted((k for k, _ in items if k), key=len, reverse=True)
    if not keys:
        return None
    alts = []
    for k in keys:
        left = r"(?<!\w)" if k[0].isalnum() or k[0] == "_" else ""
        right = r"(?!\w)" if k[-1].isalnum() or k[-1] == "_" else ""
        alts.append(left + re.escape(k) + right)
    return re.compile("|".join(alts))


def _lexicon_matches(text: str, lexicon: Mapping[str, str] | None) -> list[tuple[int, int, str]]:
    if not lexicon:
        return []
    items = tuple(sorted((str(k), str(v)) for k, v in lexicon.items()))
    pattern = _lexicon_pattern(items)
    if pattern is None:
        return []
    table = dict(items)
    return [(m.start(), m.end(), table[m.group()]) for m in pattern.finditer(text)]


def run(text: str, lexicon: Mapping[str, str] | None = None) -> Spoken:
    """Normalise `text`; see `normalize` for the contract."""
    ctx = Ctx(text)
    out = Builder(text)
    lex = _lexicon_matches(text, lexicon)
    li = 0
    n = len(text)
    pos = 0
    pending = 0  # start of source text not yet written (copied through verbatim)
    while pos < n:
        c = text[pos]
        if c.isspace():
            pos = _SKIP_SPACE.match(text, pos).end()  # type: ignore[union-attr]
            continue
        while li < len(lex) and lex[li][0] < pos:
            li += 1
        if li < len(lex) and lex[li][0] == pos:
            start, end, alias = lex[li]
            out.copy(pending, pos)
            out.say(alias, start, end)
            pos = pending = end
            li += 1
            continue
        ctx.limit = lex[li][0] if li < len(lex) else n
        if "a" <= c <= "z" or "A" <= c <= "Z":
            w = _PLAIN_WORD.match(text, pos)
            if w is not None and w.group() not in _RULE_WORDS:
                e = w.end()
                if e == n or text[e] in _QUIET_AFTER:
                    pos = min(e, ctx.limit)
                    continue
        hit = None
        for rule in _rules_for(c):
            try:
                hit = rule(ctx, pos)
            except Exception:  # noqa: BLE001 - a rule bug must never take the whole article down
                hit = None
            if hit is not None:
                if hit.end <= pos or hit.end > ctx.limit:
                    hit = None
                    continue
                break
        if hit is not None:
            out.copy(pending, pos)
            out.say_all(hit.pieces)
            pos = pending = hit.end
            continue
        m = _SKIP_WORD.match(text, pos)
        pos = min(m.end(), ctx.limit) if m else pos + 1
    out.copy(pending, n)
    spoken = out.build()
    return Spoken(keep_letter_a(spoken.text), spoken.alignment)  # same length: the alignment still holds
