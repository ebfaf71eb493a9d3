"""Signed URLs: HMAC over path and expiry, the first secret signs, every one verifies."""

from __future__ import annotations

import pytest

from service.core.errors import SignatureExpired, SignatureInvalid, SigningNotConfigured
from service.core.signing import UrlSigner, expiry

A, B = "a" * 32, "b" * 32
NOW = 1_800_000_000
PATH = "/media/" + "0" * 64 + ".mp3"


def parts(url: str) -> tuple[str, str, str]:
    path, query = url.split("?")
    expires, signature = (field.split("=", 1)[1] for field in query.split("&"))
    return path, expires, signature


def test_a_signed_path_verifies_until_its_expiry() -> None:
    path, expires, signature = parts(UrlSigner([A]).sign(PATH, NOW + 60))
    assert path == PATH
    assert UrlSigner([A]).verify(PATH, expires, signature, now=NOW + 59) == NOW + 60
    with pytest.raises(SignatureExpired):
        UrlSigner([A]).verify(PATH, expires, signature, now=NOW + 60)


def test_a_changed_expiry_is_invalid_not_expired() -> None:
    _, _, signature = parts(UrlSigner([A]).sign(PATH, NOW + 60))
    with pytest.raises(SignatureInvalid):
        UrlSigner([A]).verify(PATH, str(NOW - 60), signature, now=NOW)


def test_the_first_secret_signs_and_every_secret_verifies() -> None:
    _, expires, old = parts(UrlSigner([A]).sign(PATH, NOW + 60))
    _, _, new = parts(UrlSigner([B, A]).sign(PATH, NOW + 60))
    assert new != old and new == parts(UrlSigner([B]).sign(PATH, NOW + 60))[2]
    assert UrlSigner([B, A]).verify(PATH, expires, old, now=NOW) == NOW + 60
    with pytest.raises(SignatureInvalid):
        UrlSigner([B]).verify(PATH, expires, old, now=NOW)


@pytest.mark.parametrize(("expires", "signature"), [(None, "x"), ("123", None), ("-1", "x"), ("1e9", "x")])
def test_missing_or_malformed_fields_are_invalid(expires: str | None, signature: str | None) -> None:
    with pytest.raises(SignatureInvalid):
        UrlSigner([A]).verify(PATH, expires, signature, now=NOW)


def test_no_secret_signs_nothing() -> None:
    with pytest.raises(SigningNotConfigured):
        UrlSigner([])


def test_an_expiry_lasts_at_least_its_time_and_stays_the_same_for_an_eighth_of_it() -> None:
    week = 7 * 86400
    first = expiry(week, now=NOW)
    assert NOW + week < first <= NOW + week + week // 8
    assert expiry(week, now=NOW + 60) == first or expiry(week, now=NOW + 60) == first + week // 8
    assert len({expiry(3600, now=NOW + s) for s in range(0, 450, 10)}) <= 2
