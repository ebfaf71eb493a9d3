"""URLs, e-mail addresses, domains, social handles, hashtags, and the slash between words.

"https://www.example.com/path" -> "example dot com slash path": as a newsreader says an
address, without the web scheme (http, https) and without a leading "www". "jane@example.org"
-> "jane at example dot org"; run-together words in the part before the "@" are split
("mediarelations" -> "media relations"). Digits are read one by one, short
unpronounceable labels and country-code domains are spelled, the rest is kept as words
for the phonemizer.
"""

from __future__ import annotations

import re

from . import numbers as nw
from .common import Ctx, Hit, one
from .letters import pronounceable, spell
from .segment import consonants_only, is_word, split_words
from .vocab import SPELLED_EXTENSIONS, TLDS, WORD_TLDS

# Addresses longer than this are not read out; the cap also keeps scanning linear.
_TOKEN = re.compile(r"\S{1,301}")
_TRAILING = re.compile(r"[.,;:!?)\]}\"'”’»]+$")
# The part before the "@" may hold any of the symbols RFC 5322 allows.
_EMAIL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._%+\-!#$&'*/=?^`{|}~]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/\S*)?")
_URL = re.compile(r"(?:(?:https?|ftp|file)://|www\.)\S+", re.IGNORECASE)
_DOMAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.(?P<tld>[a-z]{2,6})(?:/\S*)?")
_PARTS = re.compile(r"[A-Za-z]+|[0-9]+|[^A-Za-z0-9]")
# What a newsreader leaves out: the web scheme and a leading "www." of the host.
_SAID_WITHOUT = re.compile(r"(?i:https?://)?(?i:www\.)?")

_SYMBOLS = {
    ".": "dot",
    "/": "slash",
    ":": "colon",
    "-": "dash",
    "_": "underscore",
    "@": "at",
    "?": "question mark",
    "=": "equals",
    "&": "and",
    "#": "hash",
    "%": "percent",
    "+": "plus",
    "~": "tilde",
    ",": "comma",
    "!": "bang",
    "*": "star",
    "$": "dollar",
    "(": "open paren",
    ")": "close paren",
    "'": "",
    ";": "semicolon",
}


def _local_letters(run: str) -> str:
    """A run of letters before the "@": words split apart, a consonant chunk spelled."""
    pieces = split_words(run) if run.islower() else None
    if pieces is None:
        return spell(run) if 2 <= len(run) <= 4 and consonants_only(run) else _letters(run)
    return " ".join(spell(p) if consonants_only(p) else p for p in pieces)


def _letters(run: str, tld: bool = False) -> str:
    """A run of letters in an address: TLDs and short unpronounceable labels are spelled."""
    low = run.lower()
    if tld:
        return low if low in WORD_TLDS else spell(run) if len(run) <= 3 or low in SPELLED_EXTENSIONS else run
    if low in ("www", "http", "https", "ftp"):
        return spell(run)
    if low in SPELLED_EXTENSIONS:
        return spell(run)
    if len(run) == 1:
        return run
    if len(run) >= 5 or pronounceable(run) or (not consonants_only(run) and is_word(run)):
        return run  # words are read as words ("john", "abc")
    return spell(run)


def read_address(addr: str) -> str:
    """Spoken form of a URL, e-mail address or domain."""
    words: list[str] = []
    addr = addr[_SAID_WITHOUT.match(addr).end() :]  # type: ignore[union-attr]
    parts = _PARTS.findall(addr)
    local_end = parts.index("@") if "@" in parts else 0
    # The last alphabetic run after the last dot (of the host, or of a file name) is
    # a TLD or an extension.
    host_end = len(parts)
    for i, p in enumerate(parts):
        if p == "/" and i > 0 and parts[i - 1] not in (":", "/"):
            host_end = i
            break
    last_dot_label = -1
    for i in range(host_end - 1, 0, -1):
        if parts[i - 1] == "." and parts[i].isalpha():
            last_dot_label = i
            break
    last_ext = -1
    if len(parts) >= 2 and parts[-1].isalpha() and parts[-2] == "." and host_end < len(parts):
        last_ext = len(parts) - 1
    for i, p in enumerate(parts):
        if p.isdigit():
            words.append(nw.digits(p))
        elif p.isalpha() and i < local_end:
            words.append(_local_letters(p))
        elif p.isalpha():
            words.append(_letters(p, tld=i in (last_dot_label, last_ext)))
        else:
            word = _SYMBOLS.get(p)
            if word is None:
                words.append(p)
            elif word:
                words.append(word)
    return " ".join(words)


def _address_token(text: str, pos: int, limit: int) -> tuple[str, int] | None:
    m = _TOKEN.match(text, pos, limit)
    if not m:
        return None
    tok = m.group()
    if len(tok) > 300:
        return tok, m.end()
    trail = _TRAILING.search(tok)
    if trail:
        tok = tok[: trail.start()]
    return tok, pos + len(tok)


def electronic(ctx: Ctx, pos: int) -> Hit | None:
    """E-mail addresses, URLs with a scheme or www, and bare domains with a known or lowercase TLD."""
    text = ctx.text
    if pos > 0 and not (text[pos - 1].isspace() or text[pos - 1] in "([{<\"'“‘«"):
        return None  # addresses start a token; mid-token starts would rescan it
    got = _address_token(text, pos, ctx.limit)
    if got is None:
        return None
    tok, end = got
    if len(tok) > 300:
        return None
    if "@" in tok:
        m = _EMAIL.fullmatch(tok)
    elif "://" in tok or tok[:4].lower() == "www.":
        m = _URL.fullmatch(tok)
    elif "." in tok:
        m = _DOMAIN.fullmatch(tok)
        if m:
            labels = tok.split("/")[0].split(".")
            tld = m.group("tld")
            if len(labels) < 2 or max(len(x) for x in labels[:-1]) < 2:
                return None  # "e.g", "a.m"
            if tld not in TLDS and not all(x.islower() or x.isdigit() for x in labels):
                return None
    else:
        return None
    if not m:
        return None
    return one(read_address(tok), pos, end)


_HANDLE = re.compile(r"@(?P<h>[A-Za-z0-9_]{1,30})(?![A-Za-z0-9_@])")
_HASHTAG = re.compile(r"#(?P<h>[A-Za-z][A-Za-z0-9_]*)")
_NUMBER_SIGN = re.compile(r"#(?=[0-9])")


def handle(ctx: Ctx, pos: int) -> Hit | None:
    """ "@nvidia" -> "at nvidia"."""
    if pos > 0 and ctx.text[pos - 1].isalnum():
        return None
    m = _HANDLE.match(ctx.text, pos)
    if not m:
        return None
    name = m.group("h")
    spoken = read_address(name) if "_" in name or any(c.isdigit() for c in name) else name
    return Hit(m.end(), [("at", pos, pos + 1), (spoken, pos + 1, m.end())])


def hash_sign(ctx: Ctx, pos: int) -> Hit | None:
    """ "#1" -> "number 1" (the number rule reads the digits), "#MeToo" -> "hashtag MeToo"."""
    text = ctx.text
    if pos > 0 and text[pos - 1].isalnum():
        return None
    if _NUMBER_SIGN.match(text, pos):
        return one("number", pos, pos + 1)
    m = _HASHTAG.match(text, pos)
    if m:
        return Hit(pos + 1, [("hashtag", pos, pos + 1)])
    return None


_SLASH_WORDS = re.compile(r"(?<=[A-Za-z])(?P<sp1>[ \t]?)/(?P<sp2>[ \t]?)(?=[A-Za-z])")


def slash(ctx: Ctx, pos: int) -> Hit | None:
    """A slash between words: "upgrade/update" -> "upgrade slash update"; "and/or" -> "and or"."""
    text = ctx.text
    # Rules run at the slash itself, so look back over an optional space.
    if text[pos] != "/":
        return None
    before = text[pos - 1] if pos > 0 else ""
    if before in " \t":
        before = text[pos - 2] if pos > 1 else ""
    after_pos = pos + 1
    if after_pos < len(text) and text[after_pos] in " \t":
        after_pos += 1
    after = text[after_pos] if after_pos < len(text) else ""
    if not (before.isalpha() and after.isalpha()):
        return None
    if ctx.prev_word(pos).endswith("and") and text[after_pos : after_pos + 2].lower() == "or":
        return Hit(pos + 1, [])
    return one("slash", pos, pos + 1)
