"""Initialisms and acronyms: which capitalised words are spelled out, and how.

Spelled letters are written joined by dots with no final dot ("F.B.I", "A.I",
"U.S"). That is deliberate: espeak-ng (Piper's phonemizer) reads "A I" with the
article "a" (schwa) and "U A E" likewise, "AP"/"AFP"/"UAE" as made-up words, while
"A.I", "A.F.P", "U.A.E" come out as letters with natural stress; and without a
final dot there is no false sentence end ("U.S President" stays one sentence).
Plurals become "C.E.O's" because "C.E.Os" is read "C E O S".

Whether to spell a capitalised word: a short list of acronyms said as words
(NASA, NATO, UNESCO...), a short list of initialisms that look pronounceable but
are spelled (USDA, UCLA...), then a rule: three letters or fewer are spelled,
longer ones are spelled unless they look pronounceable (vowels, English-like
consonant clusters).
"""

from __future__ import annotations

import re

# Said as words even though written in capitals.
ACRONYMS = {
    "NASA",
    "NATO",
    "UNESCO",
    "UNICEF",
    "OPEC",
    "FIFA",
    "UEFA",
    "NAFTA",
    "AIDS",
    "SARS",
    "MERS",
    "COVID",
    "ISIS",
    "ISIL",
    "ASEAN",
    "CERN",
    "FEMA",
    "DARPA",
    "NASDAQ",
    "OSHA",
    "NOAA",
    "LASER",
    "RADAR",
    "SCUBA",
    "SWAT",
    "NIMBY",
    "POTUS",
    "SCOTUS",
    "FLOTUS",
    "ICANN",
    "LIBOR",
    "SONAR",
    "GIF",
    "JPEG",
    "PIN",
    "SIM",
    "RAM",
    "ROM",
    "ZIP",
    "ICE",
    "NVIDIA",
    "IKEA",
    "SPAC",
    "MAGA",
    "OLED",
    "IMAX",
    "AMEX",
    "EFTA",
    "MERCOSUR",
    "APEC",
    "BRICS",
    "SWIFT",
    "WAN",
    "LAN",
    "CAPTCHA",
    "LIDAR",
    "NASCAR",
    "AWOL",
    "TED",
    "UNITA",
    "HAMAS",
    "FARC",
    "INTERPOL",
    "EUROPOL",
    "FRONTEX",
    "UNRWA",
    "MOMA",
    "SEAL",
    "SEALS",
    "NEET",
    "FOMO",
    "YOLO",
    "GIFS",
    "PINS",
    "SIMS",
    "ASAP",
    "NAND",
    "DRAM",
    "SRAM",
    "CAT",
    "WASP",
    "OFCOM",
    "OFGEM",
    "OFSTED",
    "ACAS",
    "BAFTA",
    "ANZAC",
    "SABIC",
    "ARAMCO",
    "MAX",
    "PAC",
    "SAG",
    "GUI",
    "SQL",
    "WIFI",
    "PEMEX",
    "PETRONAS",
    "KOSPI",
    "NIKKEI",
    "DAX",
    "CAC",
    "FTSE",
}
# Spelled even though they could pass for words.
INITIALISMS = {
    "USDA",
    "UCLA",
    "AARP",
    "USAID",
    "OECD",
    "NAACP",
    "ACLU",
    "UNHCR",
    "IAEA",
    "IATA",
    "US",
    "UK",
    "EU",
    "UN",
    "IT",
    "AM",
    "PM",
    "OK",
    "OR",
    "ER",
    "ME",
    "AI",
    "AP",
    "UAE",
    "DEA",
    "EPA",
    "ETA",
    "FAA",
    "NRA",
    "NBA",
    "ABC",
    "CEO",
    "CFO",
    "COO",
    "CTO",
    "WHO",
    "UPS",
    "USA",
    "ICU",
    "IOU",
    "IPO",
    "EV",
    "SUV",
    "USB",
    "PDF",
    "NYSE",
}
# Everyday words that show up in capitals for emphasis; left alone (lowercased
# in all-caps lines so the phonemizer does not spell them).
COMMON_WORDS = {
    "A",
    "AN",
    "THE",
    "AND",
    "BUT",
    "NOT",
    "NO",
    "YES",
    "ALL",
    "ANY",
    "ARE",
    "WAS",
    "HAS",
    "HAD",
    "FOR",
    "OUT",
    "OFF",
    "NEW",
    "NOW",
    "BIG",
    "TOP",
    "OUR",
    "WHY",
    "HOW",
    "GET",
    "GOT",
    "CAN",
    "MAY",
    "HIS",
    "HER",
    "SHE",
    "HE",
    "WE",
    "MY",
    "DO",
    "GO",
    "IN",
    "ON",
    "IS",
    "OF",
    "TO",
    "BE",
    "BY",
    "AT",
    "IF",
    "AS",
    "SO",
    "UP",
    "YOU",
    "ONE",
    "TWO",
    "SIX",
    "TEN",
    "WAR",
    "DAY",
    "BAD",
    "HOT",
    "RED",
    "MAN",
    "MEN",
    "WIN",
    "WON",
    "LOW",
    "OLD",
    "SAY",
    "SEE",
    "SET",
    "RUN",
    "HIT",
    "CUT",
    "END",
    "FAR",
    "FEW",
    "LOT",
    "PAY",
    "TAX",
    "VERY",
    "ONLY",
    "JUST",
    "MUST",
    "NEVER",
    "EVER",
    "STOP",
    "FREE",
    "LIVE",
    "NEWS",
    "WHAT",
    "WHEN",
    "WHERE",
    "THIS",
    "THAT",
    "WITH",
    "FROM",
    "WILL",
    "HAVE",
    "BEEN",
    "I",
    "IT",
    "ME",
    "OR",
    "AM",
    "OK",
    "WHO",
}
# Lowercase words that are really initialisms.
LOWER_INITIALISMS = {"tv", "dvd", "ufo", "usb", "pdf", "faq", "diy", "bbq", "atm", "cctv", "suv", "ceo"}

_VOWELS = set("AEIOUY")
_ONSETS = {
    "BL",
    "BR",
    "CH",
    "CL",
    "CR",
    "DR",
    "FL",
    "FR",
    "GL",
    "GR",
    "KL",
    "KN",
    "KR",
    "PH",
    "PL",
    "PR",
    "SC",
    "SH",
    "SK",
    "SL",
    "SM",
    "SN",
    "SP",
    "ST",
    "SW",
    "TH",
    "TR",
    "TW",
    "WH",
    "WR",
    "SCR",
    "SPL",
    "SPR",
    "STR",
    "SHR",
    "THR",
    "QU",
    "DW",
    "GW",
    "SQU",
}
_CODAS = {
    "CH",
    "CK",
    "CT",
    "FT",
    "LD",
    "LF",
    "LK",
    "LL",
    "LM",
    "LP",
    "LT",
    "MB",
    "MP",
    "ND",
    "NG",
    "NK",
    "NT",
    "NS",
    "NZ",
    "PS",
    "PT",
    "RB",
    "RC",
    "RD",
    "RF",
    "RG",
    "RK",
    "RL",
    "RM",
    "RN",
    "RP",
    "RS",
    "RT",
    "SH",
    "SK",
    "SP",
    "SS",
    "ST",
    "TH",
    "TS",
    "TZ",
    "XT",
    "DS",
    "GS",
    "KS",
    "LS",
    "MS",
    "WN",
    "WS",
    "CS",
    "FS",
    "NN",
    "FF",
    "TT",
    "RST",
    "NCH",
    "NTS",
    "NDS",
    "RTS",
    "RDS",
    "CKS",
    "MPS",
}
_RUNS = re.compile(r"[AEIOUY]+|[^AEIOUY]+")


def pronounceable(word: str) -> bool:
    """Rough test whether an all-caps word can be read as an English word (NASA yes, NHTSA no)."""
    w = word.upper()
    if len(w) < 2 or not any(c in _VOWELS for c in w):
        return False
    runs = _RUNS.findall(w)
    for i, run in enumerate(runs):
        vowel = run[0] in _VOWELS
        if vowel:
            if len(run) > 2:
                return False
            continue
        if run == "Y":
            continue
        if i == 0:
            if len(run) > 1 and run not in _ONSETS:
                return False
        elif i == len(runs) - 1:
            if len(run) > 1 and run not in _CODAS:
                return False
        # Medial cluster: allow coda+onset splits like "ND|R" or "S|TR".
        elif len(run) > 2 and not any(
            (run[:k] in _CODAS or len(run[:k]) == 1) and (run[k:] in _ONSETS or len(run[k:]) == 1)
            for k in range(1, len(run))
        ):
            return False
    return True


def spell(letters: str) -> str:
    """Letters joined for the phonemizer: "FBI" -> "F.B.I"."""
    return ".".join(letters.upper())


_CAPS_WORD = re.compile(r"(?P<core>[A-Z]{2,})(?P<tail>['\u2019]?s)?")


def caps_word(word: str, shouting: bool = False) -> str | None:
    """Spoken form of an all-capitals word, or None to keep it as written.

    Handles a plural or possessive tail ("CEOs", "FBI's" -> "C.E.O's", "F.B.I's").
    In an all-caps line (`shouting`) only known initialisms and unpronounceable
    words are spelled, and everyday words are lowercased.
    """
    m = _CAPS_WORD.fullmatch(word)
    if not m:
        return None
    core, tail = m.group("core"), m.group("tail") or ""
    if core in ACRONYMS or word in ACRONYMS:
        return None
    if not tail and word in INITIALISMS:
        if shouting and word in COMMON_WORDS:
            return word.lower()
        return spell(word)
    if not tail and core.endswith("S") and core[:-1] in INITIALISMS and len(core) > 2:
        core, tail = core[:-1], "s"
    suffix = "'s" if tail else ""
    if core in INITIALISMS:
        return spell(core) + suffix
    if shouting:
        # An all-caps headline: read words as words (lowercased so the phonemizer
        # does not spell them); spell only what cannot be pronounced.
        if core in COMMON_WORDS or pronounceable(core) or len(core) > 6:
            return word.lower()
        return spell(core) + suffix
    if core in COMMON_WORDS and len(core) > 3:
        return None
    if len(core) <= 3:
        return spell(core) + suffix
    if pronounceable(core):
        return None
    return spell(core) + suffix


# Split camelCase with embedded initialisms: "OpenAI" -> Open|AI, "JPMorgan" -> JP|Morgan.
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+|[^A-Za-z0-9]+")


def camel_parts(word: str) -> list[str]:
    """Camel-case and letter/digit segments of a token."""
    return _CAMEL.findall(word)


# espeak-ng joins "a" to some words before it ("for a", "of a", "at a", "that a"...; these
# are all of them among the commonest English words) and then reads the rest of a spelled
# "A.I" as "dot I": "for A.I" is "for a dot I". A no-break space keeps the letter a word.
_JOINS_A = "for|of|at|that|than|was|not"
_LETTER_A = re.compile(rf"(?<![\w'])((?i:{_JOINS_A})) (?=A(?:\.[A-Z]|-[a-z]))")


def keep_letter_a(text: str) -> str:
    """`text` with "for A.I", "of A-one"... given a no-break space before the letter (same length)."""
    return _LETTER_A.sub("\\1\u00a0", text)
