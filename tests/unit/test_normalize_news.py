"""Press-release and wire conventions: datelines, wire tags, tickers, party-state tags."""

from __future__ import annotations

import pytest

from service.document.normalize import normalize


def pairs(text: str) -> list[tuple[str, str]]:
    return [(w, text[a:b]) for w, a, b in normalize(text).words()]


def test_dateline_place_in_capitals_is_read_as_words_and_wire_tag_dropped():
    text = "DENVER, Colo., April 2, 2025 /PRNewswire/ -- Peak Co. announced a deal."
    assert normalize(text).text == ("Denver, Colorado, April second twenty twenty five. Peak Company announced a deal.")


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "SAN DIEGO, Sept. 9, 2025 (BUSINESS WIRE)--Tide Inc. said",
            "San Diego, September ninth twenty twenty five. Tide Incorporated said",
        ),
        ("PARIS, March 4 (Reuters) - Stocks rose", "Paris, March fourth. Stocks rose"),
        (
            "FT. WORTH, Texas, May 1, 2025 /PRNewswire-HISPANIC PR WIRE/ -- Hoy",
            "Fort Worth, Texas, May first twenty twenty five. Hoy",
        ),
    ],
)
def test_datelines(written, spoken):
    assert normalize(written).text == spoken


def test_caps_words_are_a_dateline_only_before_a_state_or_a_month():
    assert normalize("NATO, the alliance").text == "NATO, the alliance"
    assert normalize("He said (Reuters) was right").text == "He said (Reuters) was right"


def test_dateline_spans():
    text = "NEW YORK, Jan. 2 (AP) - Snow"
    got = pairs(text)
    assert got[:2] == [("New", "NEW"), ("York", "YORK")]
    assert got[-1] == ("Snow", "Snow")


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Acme (NASDAQ: ACME) rose", "Acme (NASDAQ A.C.M.E) rose"),
        ("Globex (NYSE: GLX) fell", "Globex (N.Y.S.E G.L.X) fell"),
        ("Maple (TSX: MPL.A) said", "Maple (T.S.X M.P.L.A) said"),
    ],
)
def test_tickers_are_spelled(written, spoken):
    assert normalize(written).text == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Sen. Ann Lee (R-Ky.) said", "Senator Ann Lee (Republican of Kentucky) said"),
        ("Rep. Bo Diaz (D-N.M.) voted", "Representative Bo Diaz (Democrat of New Mexico) voted"),
        ("Rep. Al Cho, D-Ohio, said", "Representative Al Cho, Democrat of Ohio, said"),
        ("Sen. Kay Orr (I-ME) spoke", "Senator Kay Orr (Independent of Maine) spoke"),
    ],
)
def test_party_state_tags(written, spoken):
    assert normalize(written).text == spoken


def test_party_tag_needs_a_state():
    assert normalize("the (R-Star) class").text == "the (R-Star) class"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("a PCIe card", "a P.C.I.E card"),
        ("IPv4 addresses", "I.P.V four addresses"),
        ("an MSc degree", "an M.S.C degree"),
        ("mRNA shots", "M.R.N.A shots"),
        ("on iOS and", "on I.O.S and"),
        ("an eSIM", "an e SIM"),
        ("the CEOs", "the C.E.O's"),
    ],
)
def test_initialisms_with_one_lowercase_letter(written, spoken):
    assert normalize(written).text == spoken


def test_dateline_with_a_country_or_a_wire_tag_and_a_dash():
    assert normalize("GLASGOW, Scotland — Rain fell").text == "Glasgow, Scotland — Rain fell"
    assert normalize("DENVER (AP) — Snow fell").text == "Denver. Snow fell"


def test_capitals_at_a_line_start_without_a_dateline_shape_stay():
    assert normalize("FBI, the agency, said - no").text == "F.B.I, the agency, said - no"
