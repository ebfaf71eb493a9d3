"""Press-release and wire-copy conventions: datelines, wire tags, tickers, party-state tags.

"SAN MATEO, Calif., Feb. 7, 2024 /PRNewswire/ -- GoPro" -> "San Mateo, California,
February seventh twenty twenty four. GoPro": the place in capitals is read as words, the
wire tag is dropped and the dash after it becomes a full stop (the pause a newsreader
makes). "(NASDAQ: GPRO)" -> "NASDAQ G.P.R.O" (a ticker is spelled); "Sen. John Kennedy
(R-La.)" -> "Republican of Louisiana".
"""

from __future__ import annotations

import re

from .common import SP, Ctx, Hit
from .letter_tables import ACRONYMS, INITIALISMS
from .letters import caps_word, pronounceable, spell
from .vocab import EXCHANGES, MONTH_INDEX, PARTIES, US_STATES, WIRE_WORDS, alternation
from .word_tables import STATES

# A dateline opens a line: a place in capitals, then a comma and a state or a date, or
# (on the same line, soon after) the dash that ends a dateline: "MANCHESTER, England --".
_PLACE = re.compile(rf"(?P<place>[A-Z][A-Z.'\-]*(?:{SP}[A-Z][A-Z.'\-]*){{0,3}})(?=,|{SP}\(|{SP}(?:--|—|–))")
_DATELINE_DASH = re.compile(r"[^\n]{0,80}?(?:\s(?:--|—|–|-)\s|\)(?:--|—|–)|/\s*(?:--|—|–))")
_STATE_WORDS = {s.rstrip(".") for s in STATES} | set(US_STATES.values()) | set(US_STATES)


def _place_word(word: str) -> str:
    if word in ("ST.", "ST"):
        return "Saint"
    if word in ("FT.", "FT"):
        return "Fort"
    if word in ("MT.", "MT"):
        return "Mount"
    core = word.strip(".")
    if (
        word in ACRONYMS
        or "." in word.rstrip(".")
        or core in INITIALISMS
        or (len(core) <= 4 and not pronounceable(core))
    ):
        return caps_word(word) or word  # "U.S.", "FBI" stay letters
    return "-".join(p.capitalize() for p in word.split("-"))


def dateline(ctx: Ctx, pos: int) -> Hit | None:
    """The place of a dateline, in capitals at the start of a line, read as words."""
    text = ctx.text
    if pos > 0 and text[pos - 1] not in "\n\r":
        return None
    m = _PLACE.match(text, pos)
    if not m:
        return None
    place = m.group("place")
    if len(place.replace(".", "")) < 3 or not (place[-1].isalpha() or place.endswith(".")):
        return None
    after = text[m.end() : m.end() + 40]
    nxt = re.match(rf",{SP}+([A-Z][A-Za-z.]+)", after)
    said = nxt is not None and (
        nxt.group(1).rstrip(".").lower() in MONTH_INDEX or nxt.group(1).rstrip(".") in _STATE_WORDS
    )
    if not said and not _DATELINE_DASH.match(text, m.end()):
        return None
    pieces = []
    for w in re.finditer(r"\S+", place):
        pieces.append((_place_word(w.group()), pos + w.start(), pos + w.end()))
    return Hit(m.end("place"), pieces)


_WIRE_TAG = re.compile(
    rf"(?P<tag>/[^/\n]{{2,40}}/|\([A-Za-z][A-Za-z .&-]{{0,30}}\))(?P<dash>{SP}*(?:--|—|–|-(?=\s))|(?=--))?"
)


def wire_tag(ctx: Ctx, pos: int) -> Hit | None:
    """ "/PRNewswire/ --", "(BUSINESS WIRE)--", "(Reuters) -": dropped; the dash is a full stop."""
    m = _WIRE_TAG.match(ctx.text, pos)
    if not m or not WIRE_WORDS.search(m.group("tag")):
        return None
    slashed = m.group("tag")[0] == "/"
    if not (slashed or m.group("dash")):
        return None  # "(Reuters)" in running text is a source, said
    end = m.end()
    dash = m.group("dash")
    if not dash:
        d = re.compile(rf"{SP}*(?:--|—|–)").match(ctx.text, end)
        if d:
            end = d.end()
    return Hit(end, [(".", end - 1, end)] if end > m.end("tag") else [])


_TICKER = re.compile(
    rf"(?P<ex>{alternation(EXCHANGES)}){SP}?:{SP}?(?P<sym>[A-Z][A-Z0-9]{{0,5}}(?:[.\-][A-Z])?)(?![A-Za-z0-9])"
)


def ticker(ctx: Ctx, pos: int) -> Hit | None:
    """ "NASDAQ: GPRO" -> "NASDAQ G.P.R.O": the exchange, then the symbol letter by letter."""
    m = _TICKER.match(ctx.text, pos)
    if not m:
        return None
    ex = m.group("ex")
    exchange = " ".join(caps_word(w) or w for w in ex.split())
    sym = m.group("sym")
    letters = spell("".join(c for c in sym if c.isalpha())) if sym.replace(".", "").replace("-", "").isalpha() else sym
    return Hit(m.end(), [(exchange, pos, m.end("ex")), (letters, m.start("sym"), m.end())])


_PARTY = re.compile(r"(?P<p>[RDI])-(?P<st>[A-Z][A-Za-z.]{1,13})(?=[),;\s]|$)")


def party_tag(ctx: Ctx, pos: int) -> Hit | None:
    """A lawmaker's party and state: "(R-La.)" -> "Republican of Louisiana", "D-N.Y.", "R-Texas"."""
    text = ctx.text
    if pos == 0 or text[pos - 1] not in "( ":
        return None
    if text[pos - 1] == " " and not ctx.prev_token(pos).endswith(","):
        return None
    m = _PARTY.match(text, pos)
    if not m:
        return None
    st = m.group("st").rstrip(".")
    state = STATES.get(st) or US_STATES.get(st) or (st if st in US_STATES.values() else None)
    if state is None:
        return None
    return Hit(m.end(), [(f"{PARTIES[m.group('p')]} of {state}", pos, m.end())])
