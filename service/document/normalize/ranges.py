"""Ranges, scores and vote counts of bare numbers: "1980-1986", "5-10 years", "won 4-1".

Years take "to" ("nineteen eighty to nineteen eighty six", "1960-80"); so do an en
dash, a counted noun after the range, "aged"/"pp."/a plural before it, and a score or a
vote ("won 4-1", "voted 52-48", "a 6-3 ruling"), and quantities written with grouped
thousands ("5,000-10,000"); "between 40-50" is "forty and fifty". A
plain hyphen with none of these ("2-5", a code) keeps both numbers with the hyphen.
"""

from __future__ import annotations

import re

from . import numbers as nw
from .common import NUM, SP, Ctx, Hit, one

_RANGE = re.compile(rf"(?P<a>{NUM})(?P<sep>{SP}?[-\u2013\u2014]{SP}?)(?P<b>{NUM})(?![0-9A-Za-z%°]|[.,][0-9])")


def _is_year(raw: str) -> bool:
    return len(raw) == 4 and raw.isdigit() and 1000 <= int(raw) <= 2099


def number_range(ctx: Ctx, pos: int) -> Hit | None:
    """Ranges of bare numbers: "1980-1986" and "1960-80" as years, "5-10 years" with "to".

    A plain hyphen between bare numbers ("2-5", a score "3-1") is kept as a hyphen
    between the two numbers; an en dash or a counted noun after it means "to".
    """
    m = _RANGE.match(ctx.text, pos)
    if not m:
        return None
    a, b, sep = m.group("a"), m.group("b"), m.group("sep").strip()
    a_start, a_end = m.start("a"), m.end("a")
    b_start, b_end = m.start("b"), m.end("b")
    if _is_year(a) and (_is_year(b) or (len(b) == 2 and b.isdigit())):
        first = nw.year(int(a))
        second = nw.year(int(b)) if len(b) == 4 else nw.two_digits(b) if b != "00" else "hundred"
        return Hit(m.end(), [(first, a_start, a_end), ("to", a_end, b_start), (second, b_start, b_end)])
    first = nw.number(a) if "." in a else nw.integer(a)
    second = nw.number(b) if "." in b else nw.integer(b)
    nxt = ctx.next_word(m.end())
    prev = ctx.prev_word(pos)
    if prev == "between" and sep:
        return Hit(m.end(), [(first, a_start, a_end), ("and", a_end, b_start), (second, b_start, b_end)])
    if (
        sep in "\u2013\u2014"
        or "," in a + b  # grouped thousands are quantities, never a code or a score: "5,000-10,000"
        or ctx.is_count_noun(nxt)
        or prev in _RANGE_AFTER
        or ctx.is_count_noun(prev)
        or _is_score(ctx, pos, nxt, a, b)
    ):
        return Hit(m.end(), [(first, a_start, a_end), ("to", a_end, b_start), (second, b_start, b_end)])
    return one(f"{first}-{second}", pos, m.end())


# Words before a range of bare numbers that make it "X to Y" ("aged 18-24", "pp. 45-67").
_RANGE_AFTER = {"aged", "age", "page", "pp", "size", "grade", "grades", "chapter", "verse", "verses"}
# A score or a vote count is said "four to one": the verb or noun of winning or voting
# comes a few words before ("beat the Lions 31-17", "voted 51-49") or the noun just after
# ("a 6-3 ruling"). Headlines put the verbs in the present ("Senate passes bill 68-31").
_SCORE_BEFORE = {
    "won", "win", "wins", "beat", "beats", "lost", "lose", "loses", "defeated", "defeats", "edged",
    "routed", "crushed", "trailed", "trails", "led", "leads", "leading", "trailing", "score", "scored",
    "voted", "vote", "votes", "passed", "approved", "rejected", "confirmed", "overturned", "upheld",
    "final", "finished", "winning", "victory", "record", "split", "ruled", "sided", "tally",
    "pass", "passes", "approve", "approves", "reject", "rejects", "confirm", "confirms", "overturn",
    "overturns", "uphold", "upholds", "defeat", "edge", "edges", "rout", "routs", "crush", "crushes",
    "splits", "sides", "finish", "finishes",
}  # fmt: skip
_SCORE_AFTER = {
    "win", "victory", "loss", "defeat", "vote", "votes", "ruling", "decision", "verdict", "lead",
    "margin", "majority", "record", "rout", "triumph", "draw", "tie", "scoreline", "result", "count",
}  # fmt: skip
_CLAUSE_END = re.compile(r"[.;:!?]\s*$")


def _is_score(ctx: Ctx, pos: int, nxt: str, a: str, b: str) -> bool:
    if not (a.isdigit() and b.isdigit() and len(a) <= 3 and len(b) <= 3):
        return False
    if nxt.lower() in _SCORE_AFTER:
        return True
    at = pos
    for _ in range(5):
        token = ctx.prev_token(at)
        if not token or _CLAUSE_END.search(token):
            return False
        if token.strip(".,;:!?\"'()").lower() in _SCORE_BEFORE:
            return True
        at = ctx.text.rindex(token, 0, at)
    return False
