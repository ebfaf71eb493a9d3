"""Telephone numbers."""

from __future__ import annotations

import pytest

from service.document.normalize import normalize


def pairs(text: str) -> list[tuple[str, str]]:
    return [(w, text[a:b]) for w, a, b in normalize(text).words()]


@pytest.mark.parametrize("written", ["123-123-5678", "(123) 123-5678", "123.123.5678", "(123)123-5678"])
def test_north_american_formats(written):
    assert normalize(written).text == "one two three, one two three, five six seven eight"


def test_country_code():
    assert normalize("+1 (123) 123-5678").text == "plus one, one two three, one two three, five six seven eight"


def test_toll_free_vanity_number():
    assert normalize("1-800-GO-U-HAUL").text == "one, eight hundred, GO U HAUL"


def test_international_number():
    assert normalize("+44 20 7946 0958").text == "plus four four, two zero, seven nine four six, zero nine five eight"


def test_local_number_after_call():
    assert normalize("call 555-1234").text == "call five five five, one two three four"


def test_phone_span_covers_the_whole_number():
    text = "call (555) 123-4567 now"
    got = pairs(text)
    assert got[0] == ("call", "call") and got[-1] == ("now", "now")
    assert {src for _, src in got[1:-1]} == {"(555) 123-4567"}


def test_four_dotted_numbers_are_an_address_even_over_255():
    assert normalize("from 512.40.7.300 on").text == "from five one two dot four zero dot seven dot three zero zero on"


def test_four_dotted_numbers_after_version_are_a_version():
    assert normalize("version 4.1.0.12").text == "version four point one point zero point twelve"


def test_extension_after_a_number():
    assert (
        normalize("(303) 555-0142 x12").text == "three zero three, five five five, zero one four two, extension one two"
    )


def test_toll_free_800_is_eight_hundred_without_the_leading_one():
    assert normalize("call 800-555-0142").text == "call eight hundred, five five five, zero one four two"


def test_digit_groups_after_a_phone_word():
    assert normalize("phone 0161 496 0000 now").text == "phone zero one six one, four nine six, zero zero zero zero now"


def test_service_numbers_digit_by_digit():
    assert normalize("dial 112 now").text == "dial one one two now"
    assert normalize("a 911 dispatcher").text == "a nine one one dispatcher"
    assert normalize("call 100 people").text == "call one hundred people"


def test_tel_label():
    assert normalize("Tel: 303-555-0142").text == "telephone: three zero three, five five five, zero one four two"
