"""The address policy article fetching and webhook delivery share (service/netpolicy.py)."""

from __future__ import annotations

import ipaddress

import pytest

from service.core.netpolicy import AddressPolicy, parse_addresses, parse_ip, split_host_port
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
    assert policy.names == frozenset({("hooks.internal", None)})
    assert policy.networks == ((ipaddress.ip_network("10.0.0.0/8"), None),)


@pytest.mark.parametrize(
    ("entry", "split"),
    [
        ("localhost", ("localhost", None)),
        ("localhost:8080", ("localhost", 8080)),
        ("10.0.0.5:9000", ("10.0.0.5", 9000)),
        ("10.0.0.0/8", ("10.0.0.0/8", None)),
        ("[::1]:8080", ("::1", 8080)),
        ("[::1]", ("::1", None)),
        ("::1", ("::1", None)),
        ("fd00::/8", ("fd00::/8", None)),
    ],
)
def test_allow_list_entries_may_name_a_port(entry: str, split: tuple[str, int | None]) -> None:
    assert split_host_port(entry) == split


def test_a_host_listed_with_a_port_is_allowed_on_that_port_only() -> None:
    policy = AddressPolicy.build(["intranet.example:8443", "10.1.2.3:9000"])
    assert policy.first_refused("intranet.example", [parse_ip("10.9.9.9")], 8443) is None
    assert policy.first_refused("intranet.example", [parse_ip("10.9.9.9")], 22) is not None
    assert policy.first_refused("other", [parse_ip("10.1.2.3")], 9000) is None
    assert policy.first_refused("other", [parse_ip("10.1.2.3")], 6379) is not None


def test_a_host_listed_without_a_port_is_allowed_on_every_port() -> None:
    policy = AddressPolicy.build(["intranet.example", "10.1.2.0/24"])
    assert policy.first_refused("intranet.example", [parse_ip("10.9.9.9")], 22) is None
    assert policy.first_refused("other", [parse_ip("10.1.2.3")], 6379) is None
