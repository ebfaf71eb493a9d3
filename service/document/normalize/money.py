"""Money: "$12.86 billion", "$2.5 million", "EUR 40bn", "£1.20", "¥30B", "$20/mo", "$5-$10".

Amounts with a scale are read as decimals followed by the scale and the currency
("twelve point eight six billion dollars"); plain amounts are split into major and
minor units ("twenty dollars and fifty cents"); more than two decimals are read
as a decimal ("twenty point five zero six dollars").
"""

from __future__ import annotations

import re

from . import numbers as nw
from .common import NUM, SP, Ctx, Hit
from .measure import after_determiner, modifies_noun
from .vocab import (
    CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    MONEY_SCALE_LETTERS,
    PER_UNITS,
    SCALE_ABBR,
    Currency,
    alternation,
)

_SYMBOLS = alternation(CURRENCY_SYMBOLS)
_CODES = alternation(CURRENCY_CODES)
# "crore" (ten million) and "lakh" (a hundred thousand) are the Indian scale words.
_SCALE = r"(?i:thousand|million|billion|trillion|crores?|lakhs?)|bn|bln|mn|mln|mil|tn|trn|trln|[kKmMbBtT]"
_PER = alternation(PER_UNITS)


def _amount(p: str) -> str:
    # "$1.2-trillion" (an adjective) takes the scale across the hyphen too.
    return rf"(?P<{p}n>{NUM})(?:(?P<{p}hy>{SP}|-)?(?P<{p}scale>{_SCALE})(?![A-Za-z0-9-]))?"


_PREFIX = re.compile(
    rf"(?P<cur>{_SYMBOLS}|(?:{_CODES})(?={SP}?[0-9.]))(?:{SP}?)"
    + _amount("a")
    + rf"(?:(?P<sep>{SP}?[-\u2013\u2014]{SP}?|{SP}to{SP})(?P<cur2>{_SYMBOLS}|{_CODES})?{SP}?"
    + _amount("b")
    + ")?"
    + rf"(?:{SP}?/{SP}?(?P<per>{_PER})(?![A-Za-z]))?"
    + r"(?![0-9A-Za-z])"
)
_SUFFIX = re.compile(_amount("a") + rf"{SP}?(?P<cur>[€£¥₹₽₺₩₪¢]|(?:{_CODES})(?![A-Za-z]))(?![0-9A-Za-z])")


def _scale(s: str | None) -> str | None:
    if not s:
        return None
    low = s.lower()
    if low in ("thousand", "million", "billion", "trillion", "crore", "lakh"):
        return low
    if low in ("crores", "lakhs"):
        return low[:-1]
    if s in SCALE_ABBR:
        return SCALE_ABBR[s]
    return MONEY_SCALE_LETTERS.get(s)


def _currency(symbol: str) -> Currency:
    if symbol in CURRENCY_SYMBOLS:
        return CURRENCY_SYMBOLS[symbol]
    return CURRENCY_CODES[symbol.upper()]


def speak_amount(raw: str, scale: str | None, cur: Currency, adjective: bool = False) -> str:
    """Spoken amount with its currency: ("20.50", None, dollars) -> "twenty dollars and fifty cents".

    `adjective` is for "a $10-million deal": "ten million dollar deal".
    """
    singular, plural, minor1, minor2 = cur
    if scale:
        return f"{nw.number(raw)} {scale} {singular if adjective else plural}"
    whole, _, frac = raw.partition(".")
    if len(frac) > 2 and set(frac[2:]) <= {"0"}:
        frac = frac[:2]  # "$2.000" is two dollars
    if frac and set(frac) <= {"0"}:
        frac = ""
    if frac and (len(frac) > 2 or minor1 is None):
        return f"{nw.number(whole + '.' + frac)} {plural}"
    if len(frac) == 1:
        frac += "0"  # "$20.5" is twenty dollars fifty
    units = int(nw.clean_int(whole) or "0")
    cents = int(frac or "0")
    major = f"{nw.integer(whole) or 'zero'} {singular if units == 1 or (adjective and not cents) else plural}"
    if not cents:
        return major
    minor = f"{nw.cardinal(cents)} {minor1 if cents == 1 else minor2}"
    if units == 0:
        return minor
    return f"{major} and {minor}"


def money_prefix(ctx: Ctx, pos: int) -> Hit | None:
    """Currency written before the amount: "$5", "US$76.3 trillion", "EUR 40bn", "$50-$100", "$20/mo"."""
    m = _PREFIX.match(ctx.text, pos)
    if not m:
        return None
    cur = _currency(m.group("cur"))
    a_raw, a_scale = m.group("an"), _scale(m.group("ascale"))
    if m.group("bn") is not None:
        b_raw, b_scale = m.group("bn"), _scale(m.group("bscale"))
        cur2 = _currency(m.group("cur2")) if m.group("cur2") else cur
        if not m.group("cur2") and not a_scale and (b_scale or "." not in a_raw):
            # "$5-10 million": five to ten million dollars; "$3.5-4 billion": three point five to four billion
            first = nw.number(a_raw)
        else:
            first = speak_amount(a_raw, a_scale, cur)
        spoken = f"{first} to {speak_amount(b_raw, b_scale, cur2, m.group('bhy') == '-')}"
    else:
        # "a $5 bill", "the $1.2 billion deal": the amount describes the noun after it.
        attributive = not m.group("per") and after_determiner(ctx, pos) and modifies_noun(ctx, m.end())
        spoken = speak_amount(a_raw, a_scale, cur, m.group("ahy") == "-" or attributive)
    per = m.group("per")
    if per:
        spoken += " per " + PER_UNITS[per]
    return Hit(m.end(), [(spoken, pos, m.end())])


_PENCE = re.compile(r"(?P<n>[0-9]{1,3})p(?![A-Za-z0-9]|\.[0-9])")
_VIDEO_LINES = {"144", "240", "360", "480", "576", "720"}  # "720p" is a video resolution


def money_suffix(ctx: Ctx, pos: int) -> Hit | None:
    """Currency written after the amount: "100€", "40 EUR", "50¢", "50p" (pence)."""
    m = _SUFFIX.match(ctx.text, pos)
    if not m:
        p = _PENCE.match(ctx.text, pos)
        if p and p.group("n") not in _VIDEO_LINES and not (pos and ctx.text[pos - 1] in "$£€¥.,"):
            n = int(p.group("n"))
            return Hit(p.end(), [(f"{nw.cardinal(n)} {'penny' if n == 1 else 'pence'}", pos, p.end())])
        return None
    sym = m.group("cur")
    raw, scale = m.group("an"), _scale(m.group("ascale"))
    if sym == "¢":
        cents = nw.number(raw)
        return Hit(m.end(), [(f"{cents} {'cent' if raw == '1' else 'cents'}", pos, m.end())])
    return Hit(m.end(), [(speak_amount(raw, scale, _currency(sym)), pos, m.end())])
