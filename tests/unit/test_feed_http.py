"""The feed route's HTTP helpers: Accept-Encoding and If-None-Match."""

from __future__ import annotations

import pytest

from service.api.routes.feeds import accepts_gzip, etag_matches


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("", False),
        ("deflate, br", False),
    ],
)
def test_accepts_gzip(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('W/"abc"', True),
        ('"abc"', True),  # weak comparison
        ('"x", W/"abc"', True),
        ("*", True),
        ('"abd"', False),
        (None, False),
    ],
)
def test_etag_matches(header: str | None, expected: bool) -> None:
    assert etag_matches(header, 'W/"abc"') is expected
