"""Standard Webhooks signing: secrets of the form `whsec_<base64>` and the three headers.

The signature is `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`
keyed with the secret's decoded bytes (https://www.standardwebhooks.com/).
The `standardwebhooks` package computes it; this module adds what it leaves
to the caller: generating secrets, refusing malformed ones, building headers.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

from service.core.errors import InvalidWebhookSecret

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
# The spec asks for keys between 24 and 64 bytes.
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64


def generate_secret() -> str:
    """A new random signing secret, `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def check_secret(secret: str) -> str:
    """Return `secret` if it is `whsec_` + strict base64 of 24..64 bytes, else raise InvalidWebhookSecret."""
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidWebhookSecret(f"a webhook secret starts with {SECRET_PREFIX!r}")
    try:
        # Strict: the library's own decoding silently drops stray characters,
        # which would sign with a different key than the publisher believes.
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidWebhookSecret("the part after 'whsec_' is not valid base64") from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise InvalidWebhookSecret(
            f"a webhook secret decodes to {MIN_SECRET_BYTES}..{MAX_SECRET_BYTES} bytes, not {len(key)}"
        )
    return secret


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` value (`v1,<base64>`) of one message."""
    # The library reads the datetime's wall clock as UTC, so give it a UTC one.
    return Webhook(secret).sign(msg_id, datetime.fromtimestamp(timestamp, UTC), body)


def signature_headers(secret: str, msg_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The webhook-id, webhook-timestamp and webhook-signature headers of one attempt."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }
