"""Clock times, am/pm, time zones, durations and time ranges."""

from __future__ import annotations

import pytest

from service.document.normalize import normalize


def pairs(text: str) -> list[tuple[str, str]]:
    return [(w, text[a:b]) for w, a, b in normalize(text).words()]


@pytest.mark.parametrize(
    ("written", "spoken"),
    [("10 a.m. on", "ten A.M on"), ("10:30pm", "ten thirty P.M"), ("5pm", "five P.M"), ("1:05 PM", "one oh five P.M")],
)
def test_am_pm(written, spoken):
    assert normalize(written).text == spoken


def test_whole_hour_on_the_12_hour_clock():
    assert normalize("01:00").text == "one o'clock"


def test_whole_hour_on_the_24_hour_clock():
    assert normalize("14:00").text == "fourteen hundred"


def test_time_zone():
    assert normalize("1:59 p.m. EST").text == "one fifty nine P.M E.S.T"


def test_duration_with_seconds():
    assert normalize("1:01:01").text == "one hour one minute and one second"


def test_time_range():
    assert normalize("5pm-7 pm").text == "five P.M to seven P.M"
    assert normalize("9-11 a.m. daily").text == "nine to eleven A.M daily"


def test_full_stop_of_am_restored_at_sentence_end():
    assert normalize("We met at 10 a.m. The rest left.").text == "We met at ten A.M. The rest left."


def test_full_stop_of_am_not_added_before_weekday():
    assert normalize("at 10 a.m. Monday").text == "at ten A.M Monday"


def test_ratio_is_not_a_time():
    assert normalize("won 3:1").text == "won three to one"


def test_time_span_covers_the_am_pm():
    assert pairs("at 10:30pm") == [("at", "at"), ("ten", "10:30pm"), ("thirty", "10:30pm"), ("P.M", "10:30pm")]


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("at 6.20pm", "at six twenty P.M"),
        ("by 11.05 a.m. on", "by eleven oh five A.M on"),
        ("at 16.30 BST", "at sixteen thirty B.S.T"),
    ],
)
def test_dotted_minute_with_am_pm_or_zone(written, spoken):
    assert normalize(written).text == spoken


def test_dotted_number_without_am_pm_stays_a_decimal():
    assert normalize("rates of 6.20 on").text == "rates of six point two zero on"


def test_seconds_of_a_time_of_day():
    assert normalize("at 8:10:45 a.m. on").text == "at eight ten and forty five seconds A.M on"
    # Zero seconds are not said.
    assert normalize("at 7:00:00 p.m. cst").text == "at seven P.M C.S.T"


def test_dotted_time_span_covers_the_am_pm():
    assert pairs("at 6.20pm") == [("at", "at"), ("six", "6.20pm"), ("twenty", "6.20pm"), ("P.M", "6.20pm")]


def test_zone_with_an_offset():
    assert normalize("at 8 p.m. GMT+2 on").text == "at eight P.M G.M.T plus two on"
