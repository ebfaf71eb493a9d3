"""Numbers to English words: cardinals, ordinals, digit strings, years, decimals, fractions.

Everything here is pure string work on ASCII digit strings, so the rules modules
can call it on whatever their regular expressions captured. The spoken style is
American news English: no "and" inside numbers ("one hundred twenty three"),
no hyphens or commas (they would add pauses or be read out by the TTS front end).
"""

from __future__ import annotations

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = (
    "",
    "thousand",
    "million",
    "billion",
    "trillion",
    "quadrillion",
    "quintillion",
    "sextillion",
    "septillion",
    "octillion",
    "nonillion",
    "decillion",
)
# Irregular ordinal endings; every other word just takes "th" (or y -> ieth).
_ORDINAL_WORDS = {
    "zero": "zeroth",
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


def _below_thousand(n: int) -> str:
    """Words for 0 < n < 1000."""
    parts: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        parts.append(_ONES[hundreds] + " hundred")
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        parts.append(_TENS[tens] + (" " + _ONES[ones] if ones else ""))
    elif rest:
        parts.append(_ONES[rest])
    return " ".join(parts)


def cardinal(n: int) -> str:
    """Cardinal words: 1234 -> "one thousand two hundred thirty four"; negatives get "minus"."""
    if n < 0:
        return "minus " + cardinal(-n)
    if n < 20:
        return _ONES[n]
    if n >= 1000 ** len(_SCALES):
        # Beyond decillions nobody reads the number as a quantity.
        return digits(str(n))
    groups: list[str] = []
    scale = 0
    while n:
        n, chunk = divmod(n, 1000)
        if chunk:
            words = _below_thousand(chunk)
            groups.append(words + (" " + _SCALES[scale] if scale else ""))
        scale += 1
    return " ".join(reversed(groups))


def ordinalize(words: str) -> str:
    """Turn the last word of cardinal words into its ordinal: "twenty one" -> "twenty first"."""
    head, _, last = words.rpartition(" ")
    if last in _ORDINAL_WORDS:
        last = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last = last + "th"
    return f"{head} {last}" if head else last


def ordinal(n: int) -> str:
    """Ordinal words: 21 -> "twenty first", 1000 -> "one thousandth"."""
    return ordinalize(cardinal(n))


def digits(s: str, zero: str = "zero") -> str:
    """Read a digit string one digit at a time: "004" -> "zero zero four"."""
    return " ".join(zero if c == "0" else _ONES[int(c)] for c in s if c.isascii() and c.isdigit())


def two_digits(s: str) -> str:
    """Two-digit group as in years and clock times: "05" -> "oh five", "30" -> "thirty", "00" -> "hundred"."""
    n = int(s)
    if n == 0:
        return "hundred"
    if n < 10:
        return "oh " + _ONES[n]
    return cardinal(n)


def year(n: int) -> str:
    """Read a year the way people say it: 1976 -> "nineteen seventy six", 2005 -> "two thousand five"."""
    if n < 0:
        return "minus " + year(-n)
    if n < 100 or n >= 10000:
        return cardinal(n)
    if n < 1000:
        # 340 -> "three forty", 305 -> "three oh five", 300 -> "three hundred"
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            return cardinal(n)
        return _ONES[hundreds] + " " + two_digits(f"{rest:02d}")
    if n % 1000 == 0 or 2000 <= n < 2010 or 1000 <= n < 1010:
        return cardinal(n)
    high, rest = divmod(n, 100)
    if rest == 0:
        return cardinal(high) + " hundred"
    return cardinal(high) + " " + two_digits(f"{rest:02d}")


def pluralize_last(words: str) -> str:
    """Plural of the last number word, for decades: "nineteen eighty" -> "nineteen eighties"."""
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x")):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def decade(n: int) -> str:
    """Decades: 1980 -> "nineteen eighties", 2000 -> "two thousands", 80 -> "eighties"."""
    return pluralize_last(year(n))


def clean_int(s: str) -> str:
    """Drop thousands separators from a digit string."""
    return s.replace(",", "")


def integer(s: str) -> str:
    """Words for an integer digit string (commas allowed). Leading zeros are read digit by digit."""
    raw = clean_int(s)
    if not raw:
        return ""
    if len(raw) > 1 and raw[0] == "0":
        return digits(raw)
    return cardinal(int(raw))


def number(s: str) -> str:
    """Words for "1,234.56", ".5", "0.1", "2.050": integer part as a cardinal, fraction digit by digit."""
    whole, dot, frac = s.partition(".")
    parts: list[str] = []
    if whole:
        parts.append(integer(whole))
    if dot and frac:
        parts.append("point " + digits(frac))
    return " ".join(parts)


def is_singular(s: str) -> bool:
    """Whether a number string takes a singular noun ("1 kilogram" but "1.5 kilograms")."""
    return s.lstrip("+-\u2212") in ("1",)


def fraction(num: int, den: int, mixed: bool = False) -> str:
    """Fraction words: (1, 4) -> "one quarter", (22, 3) -> "twenty two thirds".

    `mixed` is set after a whole number ("2 1/2" -> "two and a half"), where "a" reads
    better than "one".
    """
    denom = ordinal(den)
    one = ("an" if denom.startswith(("eight", "eleven")) else "a") if mixed else "one"  # "an eighth"
    if den in {0, 1}:
        return f"{cardinal(num)} over {cardinal(den)}"
    if den == 2:
        return f"{one} half" if num == 1 else f"{cardinal(num)} halves"
    if den == 4:
        return f"{one} quarter" if num == 1 else f"{cardinal(num)} quarters"
    if num == 1:
        return f"{one} {denom}"
    return f"{cardinal(num)} {denom}s"
