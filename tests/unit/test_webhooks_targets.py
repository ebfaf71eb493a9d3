"""Webhook URLs: http(s) only, and no loopback/private targets unless settings allow them (SSRF)."""

from __future__ import annotations

import pytest

from service.core.errors import WebhookUrlForbidden, WebhookUrlInvalid, WebhookUrlUnresolvable
from service.webhooks.targets import TargetPolicy, check_webhook_url

DEFAULT = TargetPolicy()


def dns(answers: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    """A resolver that knows only `answers`."""

    def lookup(host: str, _port: int) -> list[str]:
        if host not in answers:
            raise OSError(f"unknown host {host}")
        return answers[host]

    return lookup


def test_a_public_address_is_accepted() -> None:
    assert check_webhook_url("https://93.184.215.14/hooks/narrator", DEFAULT) == "https://93.184.215.14/hooks/narrator"


def test_a_name_resolving_to_public_addresses_is_accepted() -> None:
    lookup = dns({"hooks.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]})
    assert check_webhook_url("https://hooks.example.com/x", DEFAULT, lookup) == "https://hooks.example.com/x"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",
    ],
)
def test_non_public_addresses_are_refused_by_default(url: str) -> None:
    with pytest.raises(WebhookUrlForbidden) as refused:
        check_webhook_url(url, DEFAULT)
    assert refused.value.code == "webhook_url_forbidden"


def test_a_name_with_any_private_answer_is_refused() -> None:
    lookup = dns({"rebind.example": ["93.184.215.14", "127.0.0.1"]})
    with pytest.raises(WebhookUrlForbidden, match=r"127\.0\.0\.1"):
        check_webhook_url("https://rebind.example/", DEFAULT, lookup)


def test_allow_private_opens_loopback() -> None:
    policy = TargetPolicy.build(allow_private=True)
    assert check_webhook_url("http://127.0.0.1:8000/hook", policy) == "http://127.0.0.1:8000/hook"


def test_allowed_networks_and_names_open_only_themselves() -> None:
    policy = TargetPolicy.build(["10.1.0.0/16", "hooks.internal"])
    lookup = dns({"hooks.internal": ["10.9.9.9"], "other.internal": ["10.9.9.9"]})
    check_webhook_url("http://10.1.2.3/hook", policy, lookup)
    check_webhook_url("http://hooks.internal/hook", policy, lookup)
    with pytest.raises(WebhookUrlForbidden):
        check_webhook_url("http://10.2.0.1/hook", policy, lookup)
    with pytest.raises(WebhookUrlForbidden):
        check_webhook_url("http://other.internal/hook", policy, lookup)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://93.184.215.14/x",
        "file:///etc/passwd",
        "93.184.215.14/hook",
        "https://user:pw@93.184.215.14/x",
        "https://",
    ],
)
def test_urls_that_are_not_plain_http_or_https_are_invalid(url: str) -> None:
    with pytest.raises(WebhookUrlInvalid) as refused:
        check_webhook_url(url, DEFAULT)
    assert refused.value.code == "webhook_url_invalid"


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(WebhookUrlUnresolvable):
        check_webhook_url("https://nowhere.invalid/x", DEFAULT, dns({}))
