"""Money: currencies, scales, cents, ranges and rates."""

from __future__ import annotations

import pytest

from service.document.normalize import normalize


def pairs(text: str) -> list[tuple[str, str]]:
    return [(w, text[a:b]) for w, a, b in normalize(text).words()]


def test_dollars_with_scale_read_as_decimal_then_scale():
    assert normalize("$12.86 billion").text == "twelve point eight six billion dollars"
    assert normalize("$2.5 million").text == "two point five million dollars"


def test_scale_abbreviations_after_currency():
    assert normalize("EUR 40bn").text == "forty billion euros"
    assert normalize("¥30B").text == "thirty billion yen"
    assert normalize("$5m").text == "five million dollars"
    assert normalize("$50k").text == "fifty thousand dollars"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [("£3", "three pounds"), ("¥500", "five hundred yen"), ("€1", "one euro"), ("₹100", "one hundred rupees")],
)
def test_currency_symbols(written, spoken):
    assert normalize(written).text == spoken


def test_dollars_and_cents():
    assert normalize("$20.50").text == "twenty dollars and fifty cents"
    assert normalize("$1.01").text == "one dollar and one cent"
    assert normalize("$0.99").text == "ninety nine cents"


def test_pounds_and_pence():
    assert normalize("£1.20").text == "one pound and twenty pence"


def test_trailing_zero_cents_are_dropped():
    assert normalize("$2.00").text == "two dollars"


def test_more_than_two_decimals_read_as_decimal():
    assert normalize("$20.506").text == "twenty point five zero six dollars"


def test_large_unseparated_amount_is_a_cardinal():
    assert normalize("$15000").text == "fifteen thousand dollars"


def test_money_range():
    assert normalize("$50-$100").text == "fifty dollars to one hundred dollars"
    assert normalize("$5-10 million").text == "five to ten million dollars"


def test_money_rate():
    assert normalize("$20/mo").text == "twenty dollars per month"


def test_prefixed_dollar_currencies():
    assert normalize("US$76.3 trillion").text == "seventy six point three trillion U.S dollars"
    assert normalize("C$5").text == "five Canadian dollars"


def test_currency_code_after_amount():
    assert normalize("40 EUR").text == "forty euros"


def test_negative_money():
    assert normalize("a loss of -$5").text == "a loss of minus five dollars"


def test_money_span_covers_symbol_amount_and_scale():
    text = "It raised $2.5 million today."
    assert pairs(text)[2:7] == [(w, "$2.5 million") for w in ["two", "point", "five", "million", "dollars"]]


def test_hyphenated_amount_is_an_adjective():
    assert normalize("a $10-million deal").text == "a ten million dollar deal"


def test_pence_written_onto_the_number():
    assert normalize("a 20p coin").text == "a twenty pence coin"
    assert normalize("rose 1p").text == "rose one penny"
    assert normalize("in 720p").text == "in seven hundred twenty p"


def test_amount_describing_a_noun_after_a_is_singular():
    assert normalize("a $20 ticket").text == "a twenty dollar ticket"
    assert normalize("a $3 billion plan").text == "a three billion dollar plan"
    assert normalize("paid $20 for it").text == "paid twenty dollars for it"


def test_scale_after_a_decimal_range_applies_to_both_ends():
    assert normalize("$2.5-3 billion").text == "two point five to three billion dollars"


def test_indian_scale_words():
    assert normalize("₹500 crore").text == "five hundred crore rupees"
    assert normalize("Rs 2 lakh").text == "two lakh rupees"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("the $1.2 billion deal", "the one point two billion dollar deal"),
        ("his $5 million salary", "his five million dollar salary"),
        ("two $20 bills", "two twenty dollar bills"),
    ],
)
def test_amount_after_a_determiner_before_a_noun_describes_it(written, spoken):
    assert normalize(written).text == spoken


def test_amount_before_a_pronoun_or_after_a_year_is_an_amount():
    assert normalize("the $5 they owe").text == "the five dollars they owe"
    assert normalize("of the $5 billion left").text == "of the five billion dollars left"
    assert normalize("In 2023 $5 million went to schools.").text == (
        "In twenty twenty three five million dollars went to schools."
    )
