"""Telephone numbers and similar digit groups: read digit by digit, a comma between groups.

"+1 (123) 123-5678" -> "plus one, one two three, one two three, five six seven eight";
"1-800-GO-U-HAUL" -> "one, eight hundred, GO U HAUL"; "111-11-1111" (SSN-style).
The commas give the listener the pauses a presenter would make.
"""

from __future__ import annotations

import re

from . import numbers as nw
from .common import SP, Ctx, Hit

_S = rf"(?:{SP}|[.\-])"
# An extension after a number: "ext. 204", "x204", "extension 204".
_EXT = rf",?{SP}(?:ext\.?|Ext\.?|x|extension){SP}?(?P<ext2>[0-9]{{1,5}})"
_NANP = re.compile(
    rf"(?:(?P<cc>\+[0-9]{{1,3}})(?:{SP}?-?{SP}?)|(?P<one>1){_S})?"
    rf"(?:\((?P<a1>[0-9]{{3}})\){SP}?-?{SP}?|(?P<a2>[0-9]{{3}}){_S})"
    rf"(?P<b>[0-9]{{3}}){_S}(?P<c>[0-9]{{4}})(?:-(?P<ext>[0-9]{{1,5}})|{_EXT})?(?![0-9A-Za-z]|[.-][0-9])"
)
_SSN = re.compile(r"(?P<a>[0-9]{3})-(?P<b>[0-9]{2})-(?P<c>[0-9]{4})(?![0-9A-Za-z]|[.-][0-9])")
_VANITY = re.compile(r"(?P<one>1)-(?P<area>8[0-9]{2})-(?P<rest>[A-Z0-9]+(?:-[A-Z0-9]+)*)(?![A-Za-z0-9])")
_INTL = re.compile(
    rf"(?P<cc>\+[0-9]{{1,3}})(?P<groups>(?:{SP}?[-.]?{SP}?(?:\([0-9]{{1,4}}\)|[0-9]{{1,5}})){{2,6}})(?![0-9A-Za-z])"
)


def _group(g: str) -> str:
    return nw.digits(g)


def _join(groups: list[str]) -> str:
    return ", ".join(g for g in groups if g)


def telephone(ctx: Ctx, pos: int) -> Hit | None:
    """North American, vanity, SSN-style and international (+cc) numbers."""
    text = ctx.text
    m = _VANITY.match(text, pos)
    if m and any(c.isalpha() for c in m.group("rest")):
        area = m.group("area")
        groups = ["one", "eight hundred" if area == "800" else _group(area)]
        letters = False
        for part in m.group("rest").split("-"):
            if part.isdigit():
                groups.append(_group(part))
                letters = False
            else:
                # Letters stay as written (the caller dials them) and run together as one group.
                spoken = " ".join(_group(p) if p.isdigit() else p for p in re.findall(r"[A-Z]+|[0-9]+", part))
                if letters:
                    groups[-1] += " " + spoken
                else:
                    groups.append(spoken)
                letters = True
        return Hit(m.end(), [(_join(groups), pos, m.end())])
    m = _NANP.match(text, pos)
    if m:
        groups = []
        if m.group("cc"):
            groups.append("plus " + _group(m.group("cc")[1:]))
        elif m.group("one"):
            groups.append("one")
        area = m.group("a1") or m.group("a2")
        # Toll-free 800 is said "eight hundred" (other toll-free codes digit by digit).
        groups.append("eight hundred" if area == "800" else _group(area))
        groups += [_group(m.group("b")), _group(m.group("c"))]
        if m.group("ext"):
            groups.append(_group(m.group("ext")))
        if m.group("ext2"):
            groups.append("extension " + _group(m.group("ext2")))
        return Hit(m.end(), [(_join(groups), pos, m.end())])
    m = _SSN.match(text, pos)
    if m:
        return Hit(m.end(), [(_join([_group(g) for g in m.group("a", "b", "c")]), pos, m.end())])
    m = _INTL.match(text, pos)
    if m:
        parts = re.findall(r"[0-9]+", m.group("groups"))
        total = sum(len(p) for p in parts) + len(m.group("cc")) - 1
        if 7 <= total <= 15:
            groups = ["plus " + _group(m.group("cc")[1:])] + [_group(p) for p in parts]
            return Hit(m.end(), [(_join(groups), pos, m.end())])
    return None


_IP = re.compile(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9]|\.[0-9])")


# Words after which four dotted numbers are a version, not an address.
_VERSION_WORDS = {"version", "v", "ver", "release", "build", "firmware", "update", "patch", "kernel", "edition"}


def ip_address(ctx: Ctx, pos: int) -> Hit | None:
    """Four dotted groups of up to three digits, digit by digit: "123.123.0.40" -> "one two three
    dot ... four zero". Never a decimal; an address even when a group is over 255 (a made-up or
    mistyped one is still said the same way); a version after "version", "build"..."""
    m = _IP.match(ctx.text, pos)
    if not m:
        return None
    if ctx.prev_word(pos) in _VERSION_WORDS:
        return None
    octets = m.group().split(".")
    return Hit(m.end(), [(" dot ".join(_group(o) for o in octets), pos, m.end())])


_LOCAL = re.compile(r"(?P<a>[2-9][0-9]{2})-(?P<b>[0-9]{4})(?![0-9A-Za-z]|[.-][0-9])")
# Groups of digits as written in other countries' numbers: "020 7946 0000", "0161-496-0000".
_GROUPS = re.compile(rf"[0-9]{{2,5}}(?:(?:{SP}|[.-])[0-9]{{2,5}}){{1,4}}(?![0-9A-Za-z]|[.-][0-9])")
_PHONE_WORDS = {
    "call", "phone", "tel", "telephone", "fax", "dial", "hotline", "number", "line", "text", "at", "ext",
    "mobile", "cell", "contact", "helpline", "whatsapp",
}  # fmt: skip
# Short service numbers said digit by digit after a phone verb: "call 911", "dial 999".
# (N11 codes in North America, 112 and 999 in Europe, 988 the crisis line.)
_SERVICE = re.compile(r"(?:[2-9]11|999|112|988|000)(?![0-9A-Za-z]|[.,][0-9])")
_DIAL_WORDS = {"call", "calls", "called", "calling", "dial", "dialed", "dialled", "dialing", "text", "phone"}
_SERVICE_NOUNS = {
    "call",
    "calls",
    "caller",
    "callers",
    "dispatcher",
    "dispatchers",
    "operator",
    "operators",
    "center",
    "centre",
    "centers",
    "line",
    "lines",
    "system",
    "service",
    "emergency",
    "hotline",
}


def local_number(ctx: Ctx, pos: int) -> Hit | None:
    """After a phone word: local numbers ("call 555-1234"), digit groups ("phone 020 7946 0000"),
    service numbers ("call 911")."""
    prev = ctx.prev_word(pos)
    text = ctx.text
    if prev not in _PHONE_WORDS and prev not in _DIAL_WORDS:
        m = _SERVICE.match(text, pos)
        if m and ctx.next_word(m.end()).lower() in _SERVICE_NOUNS:
            return Hit(m.end(), [(_group(m.group()), pos, m.end())])  # "a 911 call"
        return None
    m = _LOCAL.match(text, pos)
    if m:
        return Hit(m.end(), [(_join([_group(m.group("a")), _group(m.group("b"))]), pos, m.end())])
    m = _GROUPS.match(text, pos)
    if m and 7 <= sum(c.isdigit() for c in m.group()) <= 12:
        return Hit(m.end(), [(_join([_group(g) for g in re.findall(r"[0-9]+", m.group())]), pos, m.end())])
    m = _SERVICE.match(text, pos)
    if m and prev in _DIAL_WORDS:
        return Hit(m.end(), [(_group(m.group()), pos, m.end())])
    return None


_LABEL = re.compile(rf"(?P<l>Tel|TEL|tel|Ph|PH)(?:\.?:|\.)(?={SP}*[+(0-9])")


def phone_label(ctx: Ctx, pos: int) -> Hit | None:
    """ "Tel: +1 ..." -> "Telephone: ..." before a number."""
    m = _LABEL.match(ctx.text, pos)
    if not m or (pos > 0 and ctx.text[pos - 1].isalnum()):
        return None
    return Hit(m.end(), [("telephone", pos, m.end("l")), (":", m.end("l"), m.end())])
