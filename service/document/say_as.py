"""What an SSML `<say-as>` says: the spoken form of its written text for each `interpret-as`.

    >>> say_as("date", "mdy", "1/5/2024")
    'January fifth twenty twenty four'

Each reading is the normalizer's own style (the same number, date and
initialism words), so a `<say-as>` sounds like the rest of the article. None
means the kind is unknown or the text does not fit it: the written text is
then read as the normalizer would read it.
"""

from __future__ import annotations

import re

from service.document.cleanup import normalize_whitespace
from service.document.normalize import normalize
from service.document.normalize import numbers as nw
from service.document.normalize.letters import spell
from service.document.normalize.vocab import MONTH_INDEX, MONTHS

__all__ = ["say_as"]

_SPELLED = frozenset({"characters", "spell-out", "letters", "verbatim"})


def say_as(interpret_as: str, fmt: str | None, written: str) -> str | None:
    """The spoken form of a `<say-as>`; None when the kind is unknown or the text does not fit it."""
    kind = interpret_as.strip().lower()
    text = normalize_whitespace(written)
    if not text:
        return None
    if kind in _SPELLED:
        return characters(text)
    if kind in ("cardinal", "number"):
        return cardinal(text)
    if kind == "ordinal":
        return ordinal(text)
    if kind == "digits":
        return nw.digits(text) if re.fullmatch(r"[0-9 ]+", text) else None
    if kind == "date":
        return date(text, fmt)
    if kind == "time":
        return clock_time(text)
    if kind == "telephone":
        return telephone(text)
    return None


def characters(text: str) -> str | None:
    """Letters and digits one by one: "NASA" -> "N.A.S.A", "R2D2" -> "R, two, D, two".

    Letter runs use the normalizer's initialism spelling (dots, no final dot),
    which espeak reads as letters; digit runs are digit words. Commas keep a
    lone "A" from being read as the article.
    """
    pieces = [nw.digits(run) if run.isdigit() else spell(run) for run in re.findall(r"[^\W\d_]+|[0-9]+", text)]
    return ", ".join(pieces) or None


_NUMBER = re.compile(r"^(?P<sign>[-+\u2212])?(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<frac>[0-9]+))?$")


def cardinal(text: str) -> str | None:
    """A number as a cardinal: "1234" -> "one thousand two hundred thirty four" (never a year or digits)."""
    m = _NUMBER.match(text.replace(" ", ""))
    if not m or not (m.group("int") or m.group("frac")):
        return None
    words = nw.cardinal(int(nw.clean_int(m.group("int") or "0")))
    if m.group("frac"):
        words += " point " + nw.digits(m.group("frac"))
    return ("minus " if m.group("sign") in ("-", "\u2212") else "") + words


def ordinal(text: str) -> str | None:
    """A number as an ordinal: "3" or "3rd" -> "third"."""
    m = re.fullmatch(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:st|nd|rd|th|\.)?", text.strip(), re.IGNORECASE)
    return nw.ordinal(int(nw.clean_int(m.group(1)))) if m else None


_DATE_FORMATS = frozenset({"mdy", "dmy", "ymd", "ydm", "md", "dm", "my", "ym", "d", "m", "y"})


def date(text: str, fmt: str | None) -> str | None:
    """A date read by its `format` ("mdy", "dmy", "ymd", "md", ...).

    "1/5/2024" with mdy -> "January fifth twenty twenty four". Without a format
    (or when the text does not fit it) None: the normalizer reads it as it would any date.
    """
    order = (fmt or "").strip().lower()
    if order not in _DATE_FORMATS:
        return None
    fields = [f for f in re.split(r"[\s/.,\-]+", text) if f]
    if len(fields) != len(order):
        return None
    values = dict(zip(order, fields, strict=True))
    month = _month(values["m"]) if "m" in values else None
    day = int(values["d"]) if values.get("d", "").isdigit() else None
    year = values.get("y")
    if ("m" in values and month is None) or ("d" in values and not (day and 1 <= day <= 31)):
        return None
    if year is not None and not year.isdigit():
        return None
    words: list[str] = []
    if day and month and order.index("d") < order.index("m"):
        words.append(f"the {nw.ordinal(day)} of {month}")  # day first: "the fifth of January"
    elif day and month:
        words.append(f"{month} {nw.ordinal(day)}")
    elif day:
        words.append(f"the {nw.ordinal(day)}")
    elif month:
        words.append(month)
    if year is not None:
        words.append(nw.two_digits(year) if len(year) == 2 else nw.year(int(year)))
    return " ".join(words)


def _month(raw: str) -> str | None:
    if raw.isdigit():
        return MONTHS[int(raw) - 1] if 1 <= int(raw) <= 12 else None
    index = MONTH_INDEX.get(raw.lower().rstrip("."))
    return MONTHS[index - 1] if index else None


_CLOCK = re.compile(
    r"^(?P<h>[0-9]{1,2})(?:[:.h]?(?P<mi>[0-5][0-9]))?(?::(?P<s>[0-5][0-9]))?\s*(?P<ap>[ap])?\.?\s*(?:m\.?)?$",
    re.IGNORECASE,
)


def clock_time(text: str) -> str | None:
    """A time of day, "1530", "3:05pm", "9.30" -> the normalizer's reading of "15:30", "3:05 pm", "9:30"."""
    m = _CLOCK.match(text.strip())
    if not m or int(m.group("h")) > 24:
        return None
    canonical = f"{int(m.group('h'))}:{m.group('mi') or '00'}"
    if m.group("s"):
        canonical += f":{m.group('s')}"
    if m.group("ap"):
        canonical = f"{int(m.group('h'))}{':' + m.group('mi') if m.group('mi') else ''} {m.group('ap').lower()}m"
    spoken = normalize(canonical).text
    return spoken if spoken != canonical else None


def telephone(text: str) -> str | None:
    """Digit groups read digit by digit, a comma between groups (the normalizer's style):
    "+1 (555) 123-4567" -> "plus one, five five five, one two three, four five six seven".
    """
    groups: list[str] = []
    plus = False
    for token in re.findall(r"\+|[0-9]+|[A-Za-z]+", text):
        if token == "+":
            plus = True
            continue
        words = nw.digits(token) if token.isdigit() else token
        groups.append(("plus " if plus else "") + words)
        plus = False
    return ", ".join(groups) if any(c.isdigit() for c in text) else None
