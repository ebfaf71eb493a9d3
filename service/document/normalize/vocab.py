"""Word lists and tables the rules share: months, units, currencies, time zones, TLDs.

Kept apart from the rules so that adding a unit or a currency is a one-line change.
"""

from __future__ import annotations

import re

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# Lowercased month names and abbreviations -> month number.
MONTH_INDEX: dict[str, int] = {}
for _i, _name in enumerate(MONTHS, 1):
    MONTH_INDEX[_name.lower()] = _i
    MONTH_INDEX[_name[:3].lower()] = _i
MONTH_INDEX["sept"] = 9

WEEKDAYS = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
}

# --- units -------------------------------------------------------------------
# abbreviation -> (singular, plural). Case matters: "mB" is not a unit, "M" (mega?
# million? a letter?) and "G" (5G) are deliberately absent, and so is "in".
_UNITS_BASE: dict[str, tuple[str, str]] = {
    # length
    "mm": ("millimeter", "millimeters"),
    "cm": ("centimeter", "centimeters"),
    "m": ("meter", "meters"),
    "km": ("kilometer", "kilometers"),
    "nm": ("nanometer", "nanometers"),
    "µm": ("micrometer", "micrometers"),
    "μm": ("micrometer", "micrometers"),
    "ft": ("foot", "feet"),
    "yd": ("yard", "yards"),
    "yds": ("yard", "yards"),
    "mi": ("mile", "miles"),
    "nmi": ("nautical mile", "nautical miles"),
    # area
    "ha": ("hectare", "hectares"),
    "sq ft": ("square foot", "square feet"),
    "sq. ft.": ("square foot", "square feet"),
    "sqft": ("square foot", "square feet"),
    "sq m": ("square meter", "square meters"),
    "sq km": ("square kilometer", "square kilometers"),
    "sq mi": ("square mile", "square miles"),
    # volume
    "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"),
    "cl": ("centiliter", "centiliters"),
    "l": ("liter", "liters"),
    "L": ("liter", "liters"),
    "gal": ("gallon", "gallons"),
    "fl oz": ("fluid ounce", "fluid ounces"),
    "cc": ("C.C", "C.C"),
    "bbl": ("barrel", "barrels"),
    "tsp": ("teaspoon", "teaspoons"),
    "tbsp": ("tablespoon", "tablespoons"),
    # mass
    "mg": ("milligram", "milligrams"),
    "mcg": ("microgram", "micrograms"),
    "µg": ("microgram", "micrograms"),
    "g": ("gram", "grams"),
    "kg": ("kilogram", "kilograms"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    # time
    "ns": ("nanosecond", "nanoseconds"),
    "µs": ("microsecond", "microseconds"),
    "ms": ("millisecond", "milliseconds"),
    "sec": ("second", "seconds"),
    "secs": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"),
    "h": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "yr": ("year", "years"),
    "yrs": ("year", "years"),
    # speed and rates
    "mph": ("mile per hour", "miles per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "kmh": ("kilometer per hour", "kilometers per hour"),
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "mpg": ("mile per gallon", "miles per gallon"),
    "rpm": ("revolution per minute", "revolutions per minute"),
    "fps": ("frame per second", "frames per second"),
    # data
    "KB": ("kilobyte", "kilobytes"),
    "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "mb": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "gb": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"),
    "PB": ("petabyte", "petabytes"),
    "kb": ("kilobit", "kilobits"),
    "Kb": ("kilobit", "kilobits"),
    "Mb": ("megabit", "megabits"),
    "Gb": ("gigabit", "gigabits"),
    "Tb": ("terabit", "terabits"),
    "kbps": ("kilobit per second", "kilobits per second"),
    "Kbps": ("kilobit per second", "kilobits per second"),
    "mbps": ("megabit per second", "megabits per second"),
    "Mbps": ("megabit per second", "megabits per second"),
    "gbps": ("gigabit per second", "gigabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    # energy and electricity
    "W": ("watt", "watts"),
    "kW": ("kilowatt", "kilowatts"),
    "MW": ("megawatt", "megawatts"),
    "GW": ("gigawatt", "gigawatts"),
    "TW": ("terawatt", "terawatts"),
    "Wh": ("watt hour", "watt hours"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "MWh": ("megawatt hour", "megawatt hours"),
    "GWh": ("gigawatt hour", "gigawatt hours"),
    "TWh": ("terawatt hour", "terawatt hours"),
    "mAh": ("milliamp hour", "milliamp hours"),
    "mA": ("milliamp", "milliamps"),
    "V": ("volt", "volts"),
    "kV": ("kilovolt", "kilovolts"),
    "kJ": ("kilojoule", "kilojoules"),
    "kcal": ("kilocalorie", "kilocalories"),
    "cal": ("calorie", "calories"),
    "hp": ("horsepower", "horsepower"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "dB": ("decibel", "decibels"),
    "psi": ("P.S.I", "P.S.I"),
    # temperature and angles
    "°C": ("degree Celsius", "degrees Celsius"),
    "° C": ("degree Celsius", "degrees Celsius"),
    "ºC": ("degree Celsius", "degrees Celsius"),
    "℃": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "° F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "ºF": ("degree Fahrenheit", "degrees Fahrenheit"),
    "℉": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "º": ("degree", "degrees"),
    # ratios
    "%": ("percent", "percent"),
    "pct": ("percent", "percent"),
    "‰": ("per mille", "per mille"),
    "ppm": ("part per million", "parts per million"),
    "ppb": ("part per billion", "parts per billion"),
    "bp": ("basis point", "basis points"),
    "bps": ("basis point", "basis points"),
}


def _with_case_variants(base: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Add "KG"/"Kg" spellings for lowercase units when they cannot be confused with anything."""
    out = dict(base)
    for abbr, names in base.items():
        if not abbr.isascii() or not abbr.isalpha() or len(abbr) < 2 or not abbr.islower():
            continue
        for variant in (abbr.upper(), abbr.capitalize()):
            out.setdefault(variant, names)
    return out


UNITS = _with_case_variants(_UNITS_BASE)
# Units that take "square"/"cubic" with a trailing 2/3 or ²/³.
LENGTH_UNITS = {"mm", "cm", "m", "km", "ft", "mi", "yd", "nm", "MM", "CM", "KM", "Km", "FT", "MI"}

# Abbreviations only understood after a slash ("$20/mo", "3 m/s").
PER_UNITS: dict[str, str] = {
    "s": "second",
    "sec": "second",
    "min": "minute",
    "h": "hour",
    "hr": "hour",
    "d": "day",
    "day": "day",
    "wk": "week",
    "week": "week",
    "mo": "month",
    "month": "month",
    "yr": "year",
    "y": "year",
    "year": "year",
    "kg": "kilogram",
    "g": "gram",
    "lb": "pound",
    "oz": "ounce",
    "l": "liter",
    "L": "liter",
    "ml": "milliliter",
    "gal": "gallon",
    "km": "kilometer",
    "m": "meter",
    "mi": "mile",
    "ft": "foot",
    "sq ft": "square foot",
    "kWh": "kilowatt hour",
    "MWh": "megawatt hour",
    "share": "share",
    "person": "person",
    "head": "head",
    "night": "night",
    "barrel": "barrel",
    "bbl": "barrel",
    "ton": "ton",
    "tonne": "tonne",
    "t": "tonne",
}


def alternation(words: object) -> str:
    """A regex alternation of literal strings, longest first so that "kWh" wins over "kW"."""
    items = sorted({str(w) for w in words}, key=lambda w: (-len(w), w))  # type: ignore[attr-defined]
    return "|".join(re.escape(w) for w in items)


# --- money -------------------------------------------------------------------
# (singular, plural, minor singular, minor plural). No minor unit: amounts with
# decimals are read as decimals ("one point five yen").
Currency = tuple[str, str, str | None, str | None]

DOLLAR: Currency = ("dollar", "dollars", "cent", "cents")
EURO: Currency = ("euro", "euros", "cent", "cents")
POUND: Currency = ("pound", "pounds", "penny", "pence")


def _dollar(prefix: str) -> Currency:
    return (f"{prefix} dollar", f"{prefix} dollars", "cent", "cents")


CURRENCY_SYMBOLS: dict[str, Currency] = {
    "$": DOLLAR,
    "US$": _dollar("U.S"),
    "U.S.$": _dollar("U.S"),
    "C$": _dollar("Canadian"),
    "CA$": _dollar("Canadian"),
    "A$": _dollar("Australian"),
    "AU$": _dollar("Australian"),
    "NZ$": _dollar("New Zealand"),
    "HK$": _dollar("Hong Kong"),
    "S$": _dollar("Singapore"),
    "NT$": _dollar("New Taiwan"),
    "R$": ("real", "reais", "centavo", "centavos"),
    "MX$": ("peso", "pesos", "centavo", "centavos"),
    "£": POUND,
    "€": EURO,
    "¥": ("yen", "yen", None, None),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "Rs.": ("rupee", "rupees", "paisa", "paise"),
    "Rs": ("rupee", "rupees", "paisa", "paise"),
    "₩": ("won", "won", None, None),
    "₽": ("ruble", "rubles", "kopeck", "kopecks"),
    "₺": ("lira", "lira", None, None),
    "₪": ("shekel", "shekels", None, None),
    "₦": ("naira", "naira", None, None),
    "₱": ("peso", "pesos", "centavo", "centavos"),
    "฿": ("baht", "baht", None, None),
    "₫": ("dong", "dong", None, None),
    "₴": ("hryvnia", "hryvnias", None, None),
    "₿": ("bitcoin", "bitcoins", None, None),
}

CURRENCY_CODES: dict[str, Currency] = {
    "USD": _dollar("U.S"),
    "EUR": EURO,
    "GBP": POUND,
    "JPY": ("yen", "yen", None, None),
    "CNY": ("yuan", "yuan", None, None),
    "RMB": ("yuan", "yuan", None, None),
    "INR": ("rupee", "rupees", "paisa", "paise"),
    "CAD": _dollar("Canadian"),
    "AUD": _dollar("Australian"),
    "NZD": _dollar("New Zealand"),
    "HKD": _dollar("Hong Kong"),
    "SGD": _dollar("Singapore"),
    "CHF": ("Swiss franc", "Swiss francs", None, None),
    "SEK": ("Swedish krona", "Swedish kronor", None, None),
    "NOK": ("Norwegian krone", "Norwegian kroner", None, None),
    "DKK": ("Danish krone", "Danish kroner", None, None),
    "PLN": ("zloty", "zlotys", None, None),
    "RUB": ("ruble", "rubles", "kopeck", "kopecks"),
    "KRW": ("won", "won", None, None),
    "BRL": ("real", "reais", "centavo", "centavos"),
    "MXN": ("peso", "pesos", "centavo", "centavos"),
    "ZAR": ("rand", "rand", None, None),
    "TRY": ("lira", "lira", None, None),
    "SAR": ("riyal", "riyals", None, None),
    "AED": ("dirham", "dirhams", None, None),
    "ILS": ("shekel", "shekels", None, None),
    "NGN": ("naira", "naira", None, None),
    "BTC": ("bitcoin", "bitcoins", None, None),
}

# Scale words and their abbreviations. Single letters only count after a currency.
SCALE_WORDS = {
    "thousand": "thousand",
    "million": "million",
    "billion": "billion",
    "trillion": "trillion",
    "quadrillion": "quadrillion",
}
SCALE_ABBR = {
    "bn": "billion",
    "bln": "billion",
    "mn": "million",
    "mln": "million",
    "mil": "million",
    "tn": "trillion",
    "trn": "trillion",
    "trln": "trillion",
}
MONEY_SCALE_LETTERS = {
    "k": "thousand",
    "K": "thousand",
    "m": "million",
    "M": "million",
    "b": "billion",
    "B": "billion",
    "t": "trillion",
    "T": "trillion",
}

# --- time --------------------------------------------------------------------
TIME_ZONES = {
    "EST",
    "EDT",
    "CST",
    "CDT",
    "MST",
    "MDT",
    "PST",
    "PDT",
    "AKST",
    "HST",
    "ET",
    "CT",
    "MT",
    "PT",
    "GMT",
    "UTC",
    "BST",
    "CET",
    "CEST",
    "EET",
    "EEST",
    "IST",
    "JST",
    "KST",
    "AEST",
    "AEDT",
    "HKT",
    "SGT",
    "WIB",
    "MSK",
    "WET",
}

# --- the web -----------------------------------------------------------------
# Top-level domains people say as a word; all others of up to three letters are spelled.
WORD_TLDS = {
    "com",
    "org",
    "net",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "name",
    "pro",
    "co",
    "app",
    "dev",
    "news",
    "online",
    "shop",
    "store",
    "site",
    "tech",
    "blog",
    "media",
    "cloud",
    "world",
    "museum",
    "travel",
    "jobs",
    "mobi",
    "aero",
    "coop",
}
TLDS = WORD_TLDS | {
    "io",
    "ai",
    "us",
    "uk",
    "de",
    "fr",
    "it",
    "es",
    "nl",
    "be",
    "ch",
    "at",
    "se",
    "no",
    "dk",
    "fi",
    "pl",
    "cz",
    "ru",
    "ua",
    "cn",
    "jp",
    "kr",
    "in",
    "au",
    "nz",
    "ca",
    "mx",
    "br",
    "ar",
    "za",
    "ie",
    "pt",
    "gr",
    "tr",
    "il",
    "sg",
    "hk",
    "tw",
    "ly",
    "me",
    "tv",
    "fm",
    "gg",
    "sm",
    "eu",
    "asia",
    "xyz",
    "html",
    "htm",
    "php",
    "pdf",
}
# File extensions that are spelled even when longer than three letters.
SPELLED_EXTENSIONS = {"html", "htm", "php", "pdf", "jpg", "png", "gif", "csv", "xml", "mp3", "mp4", "svg"}
