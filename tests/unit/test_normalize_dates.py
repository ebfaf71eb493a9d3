"""Dates, years, decades, eras and quarters."""

from __future__ import annotations

import pytest

from service.document.normalize import normalize


def pairs(text: str) -> list[tuple[str, str]]:
    return [(w, text[a:b]) for w, a, b in normalize(text).words()]


def test_abbreviated_month_day_year():
    text = "Jan. 5, 2024"
    assert normalize(text).text == "January fifth twenty twenty four"
    assert {src for _, src in pairs(text)} == {"Jan. 5, 2024"}


def test_day_month_year_reads_the_of():
    assert normalize("5 January 2024").text == "the fifth of January twenty twenty four"


def test_day_month_after_the_does_not_repeat_the():
    assert normalize("on the 26th May").text == "on the twenty sixth of May"


def test_iso_date():
    assert normalize("2024-01-05").text == "January fifth twenty twenty four"


def test_numeric_date_is_us_order():
    assert normalize("01/05/2024").text == "January fifth twenty twenty four"


def test_numeric_date_is_day_first_when_month_cannot_be_first():
    assert normalize("15-01-2020").text == "the fifteenth of January twenty twenty"


def test_month_and_year():
    assert normalize("in May 2024").text == "in May twenty twenty four"


def test_month_day_range():
    assert normalize("Sept. 17-18").text == "September seventeenth to eighteenth"


def test_lowercase_may_is_not_a_month_without_a_date_shape():
    assert normalize("you may 5 times").text == "you may five times"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("1976", "nineteen seventy six"),
        ("2005", "two thousand five"),
        ("2025", "twenty twenty five"),
        ("1905", "nineteen oh five"),
        ("1900", "nineteen hundred"),
    ],
)
def test_four_digit_numbers_read_as_years(written, spoken):
    assert normalize(written).text == spoken


def test_four_digit_count_is_a_cardinal():
    assert normalize("1250 jobs").text == "one thousand two hundred fifty jobs"


def test_decades():
    assert normalize("the 1990s").text == "the nineteen nineties"
    assert normalize("the 2000s").text == "the two thousands"


def test_apostrophe_decades():
    assert normalize("the '90s").text == "the nineties"
    assert normalize("the \u201980s").text == "the eighties"


def test_decade_range():
    assert normalize("1960s-80s").text == "nineteen sixties to eighties"


def test_era():
    assert normalize("340 A.D").text == "three forty A.D"
    assert normalize("AD 79").text == "A.D seventy nine"


def test_quarter_and_year():
    # Said as a quarter (the issue: "2Q22" was "two Q twenty two").
    text = "Q2 2025"
    assert normalize(text).text == "second quarter twenty twenty five"
    assert [src for _w, src in pairs(text)] == ["Q2 2025"] * 5


def test_fiscal_year():
    assert normalize("FY2025").text == "fiscal year twenty twenty five"


def test_short_date_after_on():
    assert normalize("on 8/8").text == "on August eighth"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Q2 sales", "second quarter sales"),
        ("in Q4", "in the fourth quarter"),
        ("during Q1 2023", "during the first quarter of twenty twenty three"),
        ("its 1Q24 profit", "its first quarter twenty twenty four profit"),
        ("Q3'25 guidance", "third quarter twenty twenty five guidance"),
        ("since H2 2022", "since the second half of twenty twenty two"),
        ("a 2H23 rebound", "a second half twenty twenty three rebound"),
    ],
)
def test_quarters_and_halves(written, spoken):
    assert normalize(written).text == spoken


def test_h_and_digit_alone_is_not_a_half():
    assert normalize("the H1N1 strain").text == "the H one N one strain"
    assert normalize("an H2 tag").text == "an H two tag"


def test_quarter_span():
    text = "in 4Q22 we"
    assert [(w, text[a:b]) for w, a, b in normalize(text).words()][1:4] == [
        ("the", "4Q22"),
        ("fourth", "4Q22"),
        ("quarter", "4Q22"),
    ]


def test_q_after_a_brand_is_a_model_unless_a_results_word_follows():
    assert normalize("the new Audi Q4 costs").text == "the new Audi Q four costs"
    assert normalize("Nike Q2 revenue").text == "Nike second quarter revenue"
