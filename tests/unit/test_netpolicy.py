"""The address policy article fetching and webhook delivery share (service/netpolicy.py)."""

from __future__ import annotations

import ipaddress

import pytest

from service.core.netpolicy import AddressPolicy, parse_addresses
from service.core.settings import Settings
from service.webhooks.targets import TargetPolicy

LOOPBACK = ipaddress.ip_address("127.0.0.1")
PUBLIC = ipaddress.ip_address("93.184.215.14")


def test_the_default_policy_allows_public_addresses_only() -> None:
    policy = AddressPolicy()
    assert policy.first_refused("example.com", [PUBLIC]) is None
    assert policy.first_refused("rebind.example", [PUBLIC, LOOPBACK]) == LOOPBACK


@pytest.mark.parametrize("entry", ["127.0.0.1", "127.0.0.0/8", "[127.0.0.1]"])
def test_listed_addresses_and_networks_are_allowed(entry: str) -> None:
    policy = AddressPolicy.build([entry])
    assert policy.address_allowed(LOOPBACK)
    assert policy.address_allowed(ipaddress.ip_address("::ffff:127.0.0.1"))  # the same IPv4 on a dual stack
    assert not policy.address_allowed(ipaddress.ip_address("10.0.0.1"))


@pytest.mark.parametrize(
    ("entry", "host"), [("Hooks.Internal.", "hooks.internal"), ("bücher.test", "xn--bcher-kva.test")]
)
def test_listed_names_are_compared_in_ascii_lowercase(entry: str, host: str) -> None:
    policy = AddressPolicy.build([entry])
    assert policy.first_refused(host, [LOOPBACK]) is None
    assert policy.first_refused("other.internal", [LOOPBACK]) == LOOPBACK


def test_allow_private_allows_every_host() -> None:
    assert AddressPolicy.build(allow_private=True).first_refused("localhost", [LOOPBACK]) is None


def test_resolver_answers_lose_zone_index_duplicates_and_garbage() -> None:
    assert parse_addresses(["fe80::1%eth0", "fe80::1", "not-an-ip", "10.0.0.1"]) == [
        ipaddress.ip_address("fe80::1"),
        ipaddress.ip_address("10.0.0.1"),
    ]


def test_webhook_policy_reads_the_webhook_settings() -> None:
    settings = Settings(webhook_allow_hosts=["hooks.internal", "10.0.0.0/8"], fetch_allow_private=True)
    policy = TargetPolicy.of(settings)
    assert isinstance(policy, AddressPolicy)
    assert not policy.allow_private
    assert policy.names == frozenset({"hooks.internal"})
    assert policy.networks == (ipaddress.ip_network("10.0.0.0/8"),)
