"""Which network destinations the service may connect to on a client's behalf (SSRF policy).

Article URLs (service/document/fetch.py) and webhook URLs (service/webhooks/targets.py)
are both chosen by API clients and requested by the service, so both go through
the same rule: a host's every resolved address must be public unicast, unless the
settings allow private addresses altogether or list the host name, the address or
its network (``NARRATOR_FETCH_ALLOW_*`` and ``NARRATOR_WEBHOOK_ALLOW_*``).
Each side keeps its own URL checks and error types; this module only decides.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Self

__all__ = [
    "AddressPolicy",
    "IPAddress",
    "IPNetwork",
    "idna",
    "is_public_ip",
    "parse_addresses",
    "parse_ip",
    "split_host_port",
    "system_lookup",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries and may be routed to (mapped, 6to4, Teredo, NAT64)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if any(ip in net for net in _NAT64_PREFIXES):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _is_public_single(ip: IPAddress) -> bool:
    """Whether one address is globally routable unicast (no embedded-address check)."""
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def is_public_ip(address: str | IPAddress) -> bool:
    """Whether an address is public unicast: not loopback, private, link-local, multicast,
    reserved, unspecified or shared (CGNAT), also for IPv4 embedded in IPv6
    (``::ffff:127.0.0.1``, 6to4, Teredo, NAT64).  Unparseable input is not public.
    """
    try:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        return False  # a zone index only makes sense for link-local addresses
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        # ::ffff:a.b.c.d is a.b.c.d on a dual-stack socket; judge that address.
        return _is_public_single(ip.ipv4_mapped)
    return all(_is_public_single(a) for a in (ip, *_embedded_ipv4(ip)))


def parse_ip(text: str) -> IPAddress | None:
    """The address written in `text` (brackets allowed), or None when it is a name."""
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def parse_addresses(found: Iterable[str]) -> list[IPAddress]:
    """Resolver answers as addresses: zone index dropped, duplicates and unparseable answers skipped."""
    parsed = (parse_ip(text.split("%")[0]) for text in found)
    return list(dict.fromkeys(ip for ip in parsed if ip is not None))


def idna(host: str) -> str:
    """A host name in lowercase ASCII (IDNA) form, without a trailing dot."""
    host = host.strip().lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def system_lookup(host: str, port: int) -> list[str]:
    """The host's addresses as strings, from the system resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def split_host_port(entry: str) -> tuple[str, int | None]:
    """An allow-list entry as (host or network, port or None): `host`, `host:8080`, `10.0.0.0/8`,
    `[::1]:8080`, `::1`. A bare IPv6 address (several colons, no brackets) has no port."""
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return host, int(port) if port.isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        if port.isdigit():
            return host, int(port)
    return entry, None


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-public destinations are allowed: all (`allow_private`), or listed names and networks,
    each on any port or on one (`host:port`).

    The default policy allows public addresses only.
    """

    allow_private: bool = False
    names: frozenset[tuple[str, int | None]] = frozenset()
    networks: tuple[tuple[IPNetwork, int | None], ...] = ()

    @classmethod
    def build(cls, allow_hosts: Collection[str] = (), allow_private: bool = False) -> Self:
        """Split an allow-list (as the settings hold it) into host names and IP addresses/networks (CIDR),
        each with the port it is limited to (None: any port)."""
        names: set[tuple[str, int | None]] = set()
        networks: list[tuple[IPNetwork, int | None]] = []
        for raw in allow_hosts:
            entry, port = split_host_port(raw)
            entry = entry.rstrip(".")
            try:
                networks.append((ipaddress.ip_network(entry, strict=False), port))
            except ValueError:
                names.add((idna(entry), port))
        return cls(allow_private, frozenset(names), tuple(networks))

    def host_allowed(self, host: str, port: int | None = None) -> bool:
        """Whether the host is allowed whatever it resolves to (all private allowed, or listed by name)."""
        name = idna(host)
        return self.allow_private or (name, None) in self.names or (port is not None and (name, port) in self.names)

    def _listed(self, ip: IPAddress, port: int | None) -> bool:
        return any(ip in net and (allowed is None or allowed == port) for net, allowed in self.networks)

    def address_allowed(self, ip: IPAddress, port: int | None = None) -> bool:
        """Whether a resolved address is allowed by itself: public, or in a listed network (on its port)."""
        mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
        if mapped is not None and self._listed(mapped, port):
            return True
        return is_public_ip(ip) or self._listed(ip, port)

    def first_refused(self, host: str, addresses: Iterable[IPAddress], port: int | None = None) -> IPAddress | None:
        """The first of `host`'s addresses that is not allowed on `port`, or None when they all are.

        Callers refuse the host if *any* address is refused: a name that mixes
        public and private answers is the classic DNS rebinding set-up.
        """
        if self.host_allowed(host, port):
            return None
        return next((ip for ip in addresses if not self.address_allowed(ip, port)), None)
