"""Which URLs a webhook may target: http(s) on public addresses, unless settings allow more.

Webhook URLs are chosen by API clients and requested by the workers, so they
are an SSRF vector like article URLs: an endpoint on 127.0.0.1:6379 or a cloud
metadata address must not be reachable by default. The URL is checked when an
endpoint is created and again, resolved, at every attempt; the attempt then
connects to the checked address itself (see sender.py), so a DNS answer that
changes in between cannot redirect it.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from service.core.errors import WebhookUrlForbidden, WebhookUrlInvalid, WebhookUrlUnresolvable
from service.core.netpolicy import (
    AddressPolicy,
    IPAddress,
    parse_addresses,
    parse_ip,
    system_lookup,
)
from service.core.settings import Settings

Lookup = Callable[[str, int], list[str]]


class TargetPolicy(AddressPolicy):
    """The shared address policy (service/netpolicy.py), as the webhook settings configure it."""

    @classmethod
    def of(cls, settings: Settings) -> TargetPolicy:
        """The policy the settings ask for (NARRATOR_WEBHOOK_ALLOW_PRIVATE, NARRATOR_WEBHOOK_ALLOW_HOSTS)."""
        return cls.build(settings.webhook_allow_hosts, settings.webhook_allow_private)


def parse_webhook_url(url: str) -> httpx.URL:
    """Parse a webhook URL and vet its shape: http(s), a host, no credentials, no fragment."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise WebhookUrlInvalid(f"not a valid URL: {url!r}") from exc
    if parsed.scheme not in ("http", "https"):
        raise WebhookUrlInvalid(f"webhook URLs are http or https, not {parsed.scheme or 'scheme-less'}")
    if not parsed.host:
        raise WebhookUrlInvalid("the URL has no host")
    if parsed.userinfo:
        # The URL is listed back by GET /v1/webhooks; credentials do not belong in it
        # (the signature is what authenticates a delivery).
        raise WebhookUrlInvalid("webhook URLs may not contain a user name or password")
    if parsed.fragment:
        raise WebhookUrlInvalid("webhook URLs may not contain a fragment")
    return parsed


def host_of(url: httpx.URL) -> str:
    """The URL's host in lowercase ASCII, without IPv6 brackets."""
    return url.raw_host.decode("ascii").strip("[]").lower().rstrip(".")


def resolve_target(url: httpx.URL, policy: TargetPolicy, lookup: Lookup = system_lookup) -> tuple[IPAddress, ...]:
    """Every address the URL's host resolves to, each one allowed by the policy.

    Raises WebhookUrlForbidden if *any* address is not allowed (a name mixing
    public and private answers is the classic DNS rebinding set-up) and
    WebhookUrlUnresolvable if the host has no address.
    """
    host = host_of(url)
    literal = parse_ip(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            found = lookup(host, url.port or (443 if url.scheme == "https" else 80))
        except (OSError, UnicodeError) as exc:
            raise WebhookUrlUnresolvable(f"could not resolve {host}: {exc}") from exc
        addresses = parse_addresses(found)
        if not addresses:
            raise WebhookUrlUnresolvable(f"{host} has no address")
    refused = policy.first_refused(host, addresses, url.port or (443 if url.scheme == "https" else 80))
    if refused is not None:
        raise WebhookUrlForbidden(
            f"{host} {'is' if literal is not None else 'resolves to'} the non-public address {refused}; "
            "webhooks may only target public addresses unless the service allows it "
            "(NARRATOR_WEBHOOK_ALLOW_PRIVATE, NARRATOR_WEBHOOK_ALLOW_HOSTS)"
        )
    return tuple(addresses)


def check_webhook_url(url: str, policy: TargetPolicy, lookup: Lookup = system_lookup) -> str:
    """The URL, normalized, if a webhook may target it now; raises the errors above otherwise."""
    parsed = parse_webhook_url(url)
    resolve_target(parsed, policy, lookup)
    return str(parsed)
