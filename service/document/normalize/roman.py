"""Roman numerals, read by what they follow.

- After a monarch's or pope's name: "the" and an ordinal ("Charles III" -> "Charles the
  third"). After a person's full name, a generational suffix: "Robert Smith III" ->
  "Robert Smith the third". After a lone given name, an ordinal ("Sam II" -> "Sam second").
- After "Chapter", "Phase", "Type", "World War", "Super Bowl"...: a cardinal ("Chapter
  IV" -> "Chapter four").
- After any other capitalised word, a name of a product, vehicle or sequel: a cardinal
  ("Delta IV Heavy" -> "Delta four Heavy", "Final Fantasy VII" -> "seven"); only numerals
  of I, V and X of two letters or more, so "Washington DC" or "the CD" stay letters.
- Before "century": an ordinal ("the XIX century" -> "the nineteenth century").
- A lone "I" (the pronoun), "V" or "X" is left alone unless a monarch's name precedes.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from . import numbers as nw
from .common import Ctx, Hit, one, titlecase_word
from .context_words import FUNCTION_WORDS

_ROMAN = re.compile(r"(?P<r>[IVXLCDM]+)(?P<tail>['\u2019]s)?(?![A-Za-z0-9])")
_ROMAN_VALID = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
# Words after which a numeral is a cardinal ("Chapter IV" -> "Chapter four").
CARDINAL_CONTEXT = {
    "chapter",
    "part",
    "book",
    "volume",
    "vol",
    "act",
    "scene",
    "section",
    "article",
    "phase",
    "stage",
    "level",
    "class",
    "type",
    "category",
    "grade",
    "round",
    "episode",
    "season",
    "series",
    "division",
    "appendix",
    "annex",
    "schedule",
    "tier",
    "mark",
    "mk",
    "vatican",
    "wrestlemania",
    "apollo",
    "gemini",
    "title",
    "psalm",
    "canto",
    "fleet",
}
# Names that take a regnal number even when it is a single letter ("Henry V").
REGNAL = {
    "charles",
    "henry",
    "elizabeth",
    "george",
    "edward",
    "william",
    "louis",
    "james",
    "john",
    "paul",
    "richard",
    "mary",
    "victoria",
    "philip",
    "felipe",
    "frederick",
    "napoleon",
    "peter",
    "nicholas",
    "alexander",
    "catherine",
    "leo",
    "pius",
    "benedict",
    "gregory",
    "innocent",
    "clement",
    "urban",
    "boniface",
    "sixtus",
    "francis",
    "ferdinand",
    "ludwig",
    "wilhelm",
    "carl",
    "gustav",
    "harald",
    "olav",
    "haakon",
    "christian",
    "frederik",
    "willem",
    "juan",
    "carlos",
    "rama",
    "ramesses",
    "ramses",
    "amenhotep",
    "thutmose",
    "justinian",
    "constantine",
    "otto",
    "henri",
    "albert",
    "leopold",
    "baudouin",
    "umberto",
    "alfonso",
    "david",
    "robert",
    "edmund",
    "harold",
    "stephen",
    "anne",
    "matilda",
    "jane",
    "kamehameha",
    "selassie",
    "rudolf",
    "joseph",
    "ivan",
    "casimir",
    "sigismund",
    "vladislav",
    "manuel",
    "pedro",
    "joao",
    "sebastian",
}


# Presenters say "Charles the Third"; the NeMo test data writes "Sam second". Set to ""
# to follow NeMo.
REGNAL_ARTICLE = "the "


@cache
def _given_names() -> frozenset[str]:
    path = Path(__file__).with_name("given_names.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def roman_value(s: str) -> int | None:
    """Value of a well-formed roman numeral, or None."""
    if not s or not _ROMAN_VALID.fullmatch(s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = _ROMAN_VALUES[c]
        if i + 1 < len(s) and _ROMAN_VALUES[s[i + 1]] > v:
            total -= v
        else:
            total += v
    return total


def roman(ctx: Ctx, pos: int) -> Hit | None:
    """Roman numerals in number positions: regnal ("Charles III" -> "the third"), or after
    "Chapter", "World War", "Super Bowl" (cardinal). A lone "I" is the pronoun unless the
    context says otherwise."""
    m = _ROMAN.match(ctx.text, pos)
    if not m:
        return None
    r = m.group("r")
    value = roman_value(r)
    if not value:
        return None
    prev_raw = ctx.prev_token(pos)
    prev = prev_raw.rstrip(".").lower()
    before = ctx.prev_word(pos - len(prev_raw) - 1) if prev_raw else ""
    tail = m.group("tail") or ""
    if value <= 39 and len(r) > 1 and ctx.next_word(m.end()).lower() in ("century", "centuries", "dynasty"):
        return one(nw.ordinal(value) + tail, pos, m.end())  # "the XIX century" -> "the nineteenth century"
    if prev in CARDINAL_CONTEXT or (prev == "war" and before == "world") or (prev == "bowl" and before == "super"):
        return one(nw.cardinal(value) + tail, pos, m.end())
    if not titlecase_word(prev_raw) or prev_raw in FUNCTION_WORDS:
        return None
    if prev in REGNAL:
        if value > 39:
            return None
        # Monarchs and popes take "the" ("Charles the third").
        return one(f"{REGNAL_ARTICLE}{nw.ordinal(value)}{tail}", pos, m.end())
    if set(r) - set("IVX") or (len(r) == 1 and not (r == "V" and ctx.next_word(m.end()).islower())):
        return None  # a lone "I" or "X" is a word or a letter ("Malcolm X"); "Saturn V rocket" is five
    names = _given_names()
    if before in names or before in REGNAL or _name_before(ctx, pos, prev_raw):
        return one(f"the {nw.ordinal(value)}{tail}", pos, m.end())  # "Robert Smith the third"
    if prev in names:
        return one(f"{nw.ordinal(value)}{tail}", pos, m.end())  # "Sam second"
    return one(f"{nw.cardinal(value)}{tail}", pos, m.end())  # "Delta four", "Rocky two"


def _name_before(ctx: Ctx, pos: int, prev_raw: str) -> bool:
    """Whether two capitalised words before the surname start with a given name ("Martin Luther King")."""
    at = pos - len(prev_raw) - 1
    middle = ctx.prev_token(at)
    if not titlecase_word(middle):
        return False
    first = ctx.prev_token(at - len(middle) - 1)
    return titlecase_word(first) and first.lower() in _given_names()
