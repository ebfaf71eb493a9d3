"""Clock times and durations: "10 a.m.", "10:30pm", "14:00", "1:59 p.m. EST", "1:01:01", "5pm-7 pm".

Style: "ten thirty P.M", "one o'clock", "fourteen hundred" for a whole hour on the
24-hour clock, "ten oh five"; h:mm:ss reads as a duration ("one hour one minute
and one second").
"""

from __future__ import annotations

import re

from . import numbers as nw
from .common import SP, Ctx, Hit
from .letters import spell
from .vocab import MONTH_INDEX, TIME_ZONES, WEEKDAYS

# "am", "a.m.", "a.m", "AM", "A.M." - but not the "am" of "I am".
_AMPM = rf"(?P<ap>[aApP])(?:\.{SP}?)?(?P<m>[mM])(?P<apdot>\.)?(?![A-Za-z])"


def _zone_pattern() -> str:
    # Each zone as letters with optional dots: EST, E.S.T., e.s.t
    return "|".join(r"\.?".join(z) + r"\.?" for z in sorted(TIME_ZONES, key=lambda z: (-len(z), z)))


_ZONE_ANY = rf"(?P<tz>(?i:{_zone_pattern()}))(?![A-Za-z])"
_ZONES = "|".join(sorted(TIME_ZONES, key=len, reverse=True))
_ZONE_UPPER = rf"(?P<tz>{_ZONES})(?![A-Za-z])"

_CLOCK = re.compile(
    r"(?P<h>[0-9]{1,2}):(?P<mi>[0-5][0-9])(?::(?P<s>[0-5][0-9]))?(?![0-9])"
    rf"(?:{SP}?{_AMPM})?"
)
_HOUR = re.compile(rf"(?P<h>[0-9]{{1,2}}){SP}?{_AMPM}")
# British style "4.30pm", "14.00 GMT": a dotted minute is a time only with am/pm or a zone after it.
_DOT_CLOCK = re.compile(
    rf"(?P<h>[0-9]{{1,2}})\.(?P<mi>[0-5][0-9])(?![0-9])"
    rf"(?={SP}?(?:[aApP](?:\.{SP}?)?[mM]|{_ZONES})(?![A-Za-z]))"
    rf"(?:{SP}?{_AMPM})?"
)
_ZONE_AFTER_AMPM = re.compile(rf"\.?{SP}?{_ZONE_ANY}")
_ZONE_AFTER_CLOCK = re.compile(rf"{SP}?{_ZONE_UPPER}")
_ZONE_OFFSET = re.compile(r"(?P<sign>[+\-\u2212])(?P<h>[0-9]{1,2})(?::?(?P<m>[0-5][0-9]))?(?![0-9A-Za-z])")
_RANGE_SEP = re.compile(rf"{SP}?[-\u2013]{SP}?|{SP}to{SP}")


def _plural(n: int, word: str) -> str:
    return f"{nw.cardinal(n)} {word}{'' if n == 1 else 's'}"


def _clock_words(h: int, mi: str, ampm: bool) -> str:
    """Hours and minutes as said on air."""
    minutes = int(mi)
    if minutes == 0:
        if ampm:
            return nw.cardinal(h)
        if h == 0:
            return "midnight"
        if h > 12:
            return f"{nw.cardinal(h)} hundred"
        return f"{nw.cardinal(h)} o'clock"
    hour = "twelve" if h == 0 and not ampm else nw.cardinal(h)
    if minutes < 10:
        return f"{hour} oh {nw.cardinal(minutes)}"
    return f"{hour} {nw.cardinal(minutes)}"


class _Time:
    __slots__ = ("ampm", "end", "words")

    def __init__(self, words: str, end: int, ampm: str | None) -> None:
        self.words, self.end, self.ampm = words, end, ampm


def _one_time(ctx: Ctx, pos: int) -> _Time | None:
    text = ctx.text
    m = _CLOCK.match(text, pos) or _DOT_CLOCK.match(text, pos)
    if m:
        h = int(m.group("h"))
        ap = m.group("ap")
        if h > 24 or (ap and not 1 <= h <= 12 and h != 0):
            return None
        if m.groupdict().get("s") is not None and not ap:
            s = int(m.group("s"))
            words = f"{_plural(h, 'hour')} {_plural(int(m.group('mi')), 'minute')} and {_plural(s, 'second')}"
            return _Time(words, m.end(), None)
        words = _clock_words(h, m.group("mi"), bool(ap))
        if m.groupdict().get("s") and int(m.group("s")):
            # A time of day to the second: "9:15:30 p.m." -> "nine fifteen and thirty seconds P.M";
            # ":00" seconds are not said.
            words += f" and {_plural(int(m.group('s')), 'second')}"
        return _Time(words, m.end(), (ap.upper() + "M") if ap else None)
    m = _HOUR.match(text, pos)
    if m:
        h = int(m.group("h"))
        if not 1 <= h <= 12 and h != 0:
            return None
        return _Time(nw.cardinal(h), m.end(), m.group("ap").upper() + "M")
    return None


_BARE_RANGE = re.compile(
    rf"(?P<h>[0-9]{{1,2}})(?::(?P<mi>[0-5][0-9]))?(?P<sep>{SP}?[-\u2013]{SP}?|{SP}to{SP})(?=[0-9])"
)


def _with_ampm(t: _Time) -> str:
    return t.words + (" " + spell(t.ampm) if t.ampm else "")


def clock_time(ctx: Ctx, pos: int) -> Hit | None:
    """A time of day or an h:mm:ss duration, optional am/pm and time zone, or a range of times."""
    text = ctx.text
    pieces: list[tuple[str, int, int]] = []
    start = pos
    t: _Time | None = None
    bare = _BARE_RANGE.match(text, pos)
    if bare:
        # "9-11 a.m.": the first hour borrows the second's am/pm.
        second = _one_time(ctx, bare.end())
        h = int(bare.group("h"))
        if second is not None and second.ampm and 1 <= h <= 12:
            first_words = _clock_words(h, bare.group("mi") or "00", True)
            pieces.append((first_words, pos, bare.start("sep")))
            pieces.append(("to", bare.start("sep"), bare.end()))
            start, t = bare.end(), second
    if t is None:
        t = _one_time(ctx, pos)
        if t is None:
            return None
        r = _RANGE_SEP.match(text, t.end)
        t2 = _one_time(ctx, r.end()) if r else None
        if r is not None and t2 is not None:
            pieces.append((_with_ampm(t), pos, t.end))
            pieces.append(("to", t.end, r.end()))
            start, t = r.end(), t2
    words = _with_ampm(t)
    end = t.end
    zone = (_ZONE_AFTER_AMPM if t.ampm else _ZONE_AFTER_CLOCK).match(text, end)
    if zone:
        words += " " + spell(zone.group("tz").replace(".", ""))
        end = zone.end()
        offset = _ZONE_OFFSET.match(text, end)
        if offset:
            # "GMT+1" -> "G.M.T plus one", "UTC-05:30" -> "U.T.C minus five thirty"
            sign = "plus" if offset.group("sign") == "+" else "minus"
            words += f" {sign} {nw.cardinal(int(offset.group('h')))}"
            if offset.group("m") and int(offset.group("m")):
                words += " " + nw.cardinal(int(offset.group("m")))
            end = offset.end()
    pieces.append((words, start, end))
    if t.ampm and text[end - 1] == "." and ctx.sentence_end(end, strong=True):
        nxt = ctx.next_word(end).lower()
        if nxt not in WEEKDAYS and nxt not in MONTH_INDEX and nxt.upper() not in TIME_ZONES:
            pieces.append((".", end - 1, end))
    return Hit(end, pieces)


_RATIO = re.compile(r"(?P<a>[0-9]{1,3}):(?P<b>[0-9])(?![0-9:])")


def ratio(ctx: Ctx, pos: int) -> Hit | None:
    """Single-digit after a colon is a ratio or score, not a time: "3:1" -> "three to one"."""
    m = _RATIO.match(ctx.text, pos)
    if not m:
        return None
    return Hit(m.end(), [(f"{nw.cardinal(int(m.group('a')))} to {nw.cardinal(int(m.group('b')))}", pos, m.end())])
