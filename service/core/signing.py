"""Signed, expiring URLs: an HMAC-SHA256 over a URL's path and its expiry, with rotating secrets.

A signed URL is `<path>?expires=<unix seconds>&signature=<base64url HMAC>`.
The first secret signs; every listed secret verifies, so an operator rotates
by putting a new secret first and removing the old one once the URLs it
signed have expired. The signature covers the path only: the same file under
another path, or the same path with another expiry, needs a new signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Sequence

from service.core.errors import SignatureExpired, SignatureInvalid, SigningNotConfigured
from service.core.settings import Settings

EXPIRES = "expires"
SIGNATURE = "signature"


class UrlSigner:
    """Signs paths with the first secret and verifies them against all of them."""

    def __init__(self, secrets: Sequence[str]) -> None:
        if not secrets:
            raise SigningNotConfigured("Set NARRATOR_MEDIA_SIGNING_SECRETS to serve private audio")
        self._keys = [secret.encode("utf-8") for secret in secrets]

    def sign(self, path: str, expires: int) -> str:
        """`path` with its expiry and signature as a query string."""
        return f"{path}?{EXPIRES}={expires}&{SIGNATURE}={_mac(self._keys[0], path, expires)}"

    def verify(self, path: str, expires: str | None, signature: str | None, *, now: float | None = None) -> int:
        """The expiry of a valid signature of `path`; SignatureInvalid or SignatureExpired otherwise.

        The signature is checked before the time, so a changed expiry is an invalid signature, not an expired one.
        """
        if not expires or not signature or not expires.isdigit() or len(expires) > 12:
            raise SignatureInvalid("This URL needs a valid signature")
        at = int(expires)
        if not any(hmac.compare_digest(_mac(key, path, at), signature) for key in self._keys):
            raise SignatureInvalid("The signature does not match this URL")
        if at <= (time.time() if now is None else now):
            raise SignatureExpired("This signed URL has expired")
        return at


def signer_for(settings: Settings) -> UrlSigner:
    """The signer of the configured secrets; SigningNotConfigured when there are none."""
    return UrlSigner([secret.get_secret_value() for secret in settings.media_signing_secrets])


def expiry(ttl_s: int, *, now: float | None = None) -> int:
    """An expiry at least `ttl_s` away, rounded up to an eighth of it.

    Rounding keeps a signed URL the same for a while, so a feed or an article
    read twice in a row is the same document (ETags, podcast apps that compare
    enclosure URLs) while every URL still lasts at least `ttl_s`.
    """
    step = max(ttl_s // 8, 60)
    at = int(time.time() if now is None else now) + ttl_s
    return (at // step + 1) * step


def _mac(key: bytes, path: str, expires: int) -> str:
    digest = hmac.new(key, f"{path}\n{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
