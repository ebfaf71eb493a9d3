"""Standard Webhooks signatures: the spec's construction, a known vector, and the reference verifier."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from service.core.errors import InvalidWebhookSecret
from service.webhooks.signing import check_secret, generate_secret, sign, signature_headers

# The test vector of the Standard Webhooks / Svix libraries.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_signature_matches_the_known_test_vector() -> None:
    assert sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_the_signature_is_base64_hmac_sha256_of_id_timestamp_and_body() -> None:
    secret = generate_secret()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    body = '{"type":"narration.completed","data":{"title":"Café"}}'
    expected = hmac.new(key, f"msg_1.1700000000.{body}".encode(), hashlib.sha256).digest()
    assert sign(secret, "msg_1", 1700000000, body) == "v1," + base64.b64encode(expected).decode()


def test_the_headers_verify_with_the_reference_library() -> None:
    secret = generate_secret()
    body = '{"type":"narration.completed"}'
    headers = signature_headers(secret, "msg_abc", int(time.time()), body)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert Webhook(secret).verify(body, headers) == {"type": "narration.completed"}


def test_a_changed_body_does_not_verify() -> None:
    secret = generate_secret()
    headers = signature_headers(secret, "msg_abc", int(time.time()), '{"a":1}')
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify('{"a":2}', headers)


def test_another_secret_does_not_verify() -> None:
    headers = signature_headers(generate_secret(), "msg_abc", int(time.time()), "{}")
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify("{}", headers)


def test_generated_secrets_are_whsec_base64_of_32_random_bytes() -> None:
    first, second = generate_secret(), generate_secret()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 32
    assert check_secret(first) == first


def test_a_given_secret_of_24_to_64_bytes_is_accepted() -> None:
    assert check_secret(VECTOR_SECRET) == VECTOR_SECRET


@pytest.mark.parametrize(
    "secret",
    [
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",  # no prefix
        "whsec_not base64 at all!",
        "whsec_" + base64.b64encode(b"short").decode(),  # 5 bytes
        "whsec_" + base64.b64encode(bytes(65)).decode(),  # 65 bytes
        "whsec_",
    ],
)
def test_malformed_secrets_are_refused(secret: str) -> None:
    with pytest.raises(InvalidWebhookSecret) as refused:
        check_secret(secret)
    assert refused.value.code == "webhook_secret_invalid"
