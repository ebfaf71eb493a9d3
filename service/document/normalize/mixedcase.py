"""Initialisms written with one lowercase letter: "PCIe" -> "P.C.I.E", "IPv6" -> "I.P.V six",
"mRNA" -> "M.R.N.A", "iOS" -> "I.O.S", "eSIM" -> "e SIM" (an acronym said as a word stays one).

A run of capitals with a single lowercase letter before or after it is read letter by
letter; a trailing "s" is a plural ("CEOs"), left to the initialism rule.
"""

from __future__ import annotations

import re

from . import numbers as nw
from .common import Ctx, Hit, one
from .letters import ACRONYMS, spell

_CAPS_THEN_ONE = re.compile(r"(?P<caps>[A-Z]{2,})(?P<low>[a-rt-z])(?P<num>[0-9]{1,3})?(?![A-Za-z0-9])")
_ONE_THEN_CAPS = re.compile(r"(?P<low>[a-z])(?P<caps>[A-Z]{2,})(?P<tail>s)?(?![A-Za-z0-9])")


def mixed_case(ctx: Ctx, pos: int) -> Hit | None:
    """ "PCIe", "IPv6", "MSc", "mRNA", "iOS", "eSIM"."""
    text = ctx.text
    if pos > 0 and text[pos - 1].isalnum():
        return None
    m = _CAPS_THEN_ONE.match(text, pos)
    if m:
        words = spell(m.group("caps") + m.group("low"))
        if m.group("num"):
            words += " " + nw.cardinal(int(m.group("num")))
        return one(words, pos, m.end())
    m = _ONE_THEN_CAPS.match(text, pos)
    if m:
        caps, tail = m.group("caps"), "'s" if m.group("tail") else ""
        if caps in ACRONYMS:
            return one(f"{m.group('low')} {caps}{m.group('tail') or ''}", pos, m.end())
        return one(spell(m.group("low") + caps) + tail, pos, m.end())
    return None
