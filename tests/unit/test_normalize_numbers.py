"""Cardinals, decimals, negatives, ordinals, fractions, percentages and ranges."""

from __future__ import annotations

import pytest

from service.document.normalize import normalize


def pairs(text: str) -> list[tuple[str, str]]:
    return [(w, text[a:b]) for w, a, b in normalize(text).words()]


def test_cardinal_without_and():
    assert normalize("123").text == "one hundred twenty three"


def test_thousands_separators():
    assert normalize("1,234,567").text == "one million two hundred thirty four thousand five hundred sixty seven"


def test_long_unseparated_number_is_read_as_digits():
    assert normalize("ZIP code 90210").text == "ZIP code nine zero two one zero"


def test_long_unseparated_count_is_a_cardinal():
    assert normalize("15000 people").text == "fifteen thousand people"


def test_leading_zeros_are_read_as_digits():
    assert normalize("004").text == "zero zero four"


def test_decimals():
    assert normalize("3.14").text == "three point one four"
    assert normalize(".5").text == "point five"


def test_negative_numbers():
    assert normalize("-0.1").text == "minus zero point one"
    assert normalize("(-5)").text == "(minus five)"


def test_hyphen_after_a_word_is_not_a_minus():
    assert normalize("COVID-19").text == "COVID-nineteen"


def test_scale_words():
    assert normalize("100 million").text == "one hundred million"
    assert normalize("5bn").text == "five billion"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("1st", "first"),
        ("2nd", "second"),
        ("3rd", "third"),
        ("21st", "twenty first"),
        ("12th", "twelfth"),
        ("1,000th", "one thousandth"),
        ("111th", "one hundred eleventh"),
    ],
)
def test_ordinals(written, spoken):
    assert normalize(written).text == spoken


def test_wrong_ordinal_suffix_is_read_out():
    assert normalize("2th").text == "two th"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [("3/4", "three quarters"), ("1/2", "one half"), ("2/3", "two thirds"), ("1/8", "one eighth")],
)
def test_simple_fractions(written, spoken):
    assert normalize(written).text == spoken


def test_mixed_fraction():
    assert normalize("1 1/2").text == "one and a half"


def test_vulgar_fraction_characters():
    assert normalize("½").text == "one half"
    assert normalize("2¾").text == "two and three quarters"


def test_slash_names_are_not_fractions():
    assert normalize("9/11").text == "nine eleven"
    assert normalize("24/7").text == "twenty four seven"


def test_percent():
    assert normalize("5%").text == "five percent"
    assert normalize("2.5%").text == "two point five percent"


def test_percent_range():
    assert normalize("5-10%").text == "five to ten percent"


def test_year_range():
    text = "2010-2015"
    assert normalize(text).text == "twenty ten to twenty fifteen"
    assert pairs(text) == [("twenty", "2010"), ("ten", "2010"), ("to", "-"), ("twenty", "2015"), ("fifteen", "2015")]


def test_short_year_range():
    assert normalize("1960-80").text == "nineteen sixty to eighty"


def test_counted_range_uses_to():
    assert normalize("5-10 years").text == "five to ten years"


def test_en_dash_range_uses_to():
    assert normalize("pages 10–20").text == "pages ten to twenty"


def test_bare_hyphen_pair_stays_a_pair():
    # A code or a ratio with nothing around it: read both numbers, no "to".
    assert normalize("code 2-1 here").text == "code two-one here"
    # A score is said with "to" (newsreader convention).
    assert normalize("a 2-1 win").text == "a two to one win"


def test_dimensions_and_multiples():
    assert normalize("2x4").text == "two by four"
    assert normalize("4.4x").text == "four point four x"


def test_version_numbers():
    assert normalize("version 1.2.3").text == "version one point two point three"


def test_number_span_is_the_number():
    assert pairs("about 1,500 jobs") == [
        ("about", "about"),
        ("one", "1,500"),
        ("thousand", "1,500"),
        ("five", "1,500"),
        ("hundred", "1,500"),
        ("jobs", "jobs"),
    ]


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Arsenal won 3-0 at home", "Arsenal won three to zero at home"),
        ("they beat the Jets 24-10", "they beat the Jets twenty four to ten"),
        ("the council voted 7-2 on", "the council voted seven to two on"),
        ("a 5-4 decision", "a five to four decision"),
        ("a 2-0 lead", "a two to zero lead"),
    ],
)
def test_scores_and_vote_counts(written, spoken):
    assert normalize(written).text == spoken


def test_bare_hyphen_without_a_score_word_keeps_the_hyphen():
    assert normalize("a 70-30 mix").text == "a seventy-thirty mix"
    assert normalize("Rain. 4-1").text == "Rain. four-one"


def test_between_a_range_is_and():
    assert normalize("between 10-12 boats").text == "between ten and twelve boats"


def test_range_after_aged_or_a_plural():
    assert normalize("children aged 5-11").text == "children aged five to eleven"
    assert normalize("seats 10-14").text == "seats ten to fourteen"


def test_score_span():
    text = "won 4-1"
    assert [(w, text[a:b]) for w, a, b in normalize(text).words()] == [
        ("won", "won"),
        ("four", "4"),
        ("to", "-"),
        ("one", "1"),
    ]


def test_mixed_fraction_takes_an_before_a_vowel():
    assert normalize("2⅛ miles").text == "two and an eighth miles"
    assert normalize("5 1/11").text == "five and an eleventh"
    assert normalize("1/8").text == "one eighth"


def test_ended_in_a_year_is_a_year():
    assert normalize("the war ended in 1945").text == "the war ended in nineteen forty five"
    assert normalize("the account ending in 4321").text == "the account ending in four three two one"


def test_year_after_mid_hyphen():
    assert normalize("by mid-2031 costs rose").text == "by mid-twenty thirty one costs rose"


def test_four_digit_identifier_after_a_capitalised_label_is_read_in_pairs():
    assert normalize("under Resolution 2417 the").text == "under Resolution twenty four seventeen the"
    assert normalize("the 2417 workers").text == "the two thousand four hundred seventeen workers"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Council approves budget 9-2", "Council approves budget nine to two"),
        ("Justices uphold the ban 6-3", "Justices uphold the ban six to three"),
        ("Hawks edge Bulls 101-99", "Hawks edge Bulls one hundred one to ninety nine"),
    ],
)
def test_headline_present_tense_verb_makes_a_score_or_vote(written, spoken):
    assert normalize(written).text == spoken


def test_court_split_is_a_vote():
    assert normalize("the court split 6-3 on").text == "the court split six to three on"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [("2/3rds", "two thirds"), ("3/5ths", "three fifths"), ("1/3rd", "one third"), ("3/8THS", "three eighths")],
)
def test_fraction_with_an_ordinal_ending(written, spoken):
    assert normalize(written).text == spoken


def test_range_of_grouped_thousands_uses_to():
    assert normalize("Crowds of 5,000-10,000 are expected.").text == (
        "Crowds of five thousand to ten thousand are expected."
    )
    assert pairs("1,000-2,000")[2] == ("to", "-")
