"""Where an article fetch may go: the URL vetted, its host resolved once, every address checked.

`fetch` connects to the addresses of the `Target` this returns, never to the
host name again (see fetch.py on DNS rebinding).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx

from service.core.netpolicy import AddressPolicy, IPAddress, parse_addresses, parse_ip, system_lookup
from service.document.errors import FetchFailed, UrlForbidden


@dataclass(frozen=True)
class Target:
    """One hop: the URL as requested and the checked addresses to connect to."""

    url: httpx.URL
    host: str  # ASCII host (IDNA), no brackets
    addresses: tuple[IPAddress, ...]


def parse_url(url: str) -> httpx.URL:
    """Parse and vet the shape of a URL: http(s), a host, no credentials."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise UrlForbidden(f"not a valid URL: {url!r}") from exc
    if not parsed.scheme:
        raise UrlForbidden(f"only http and https URLs can be fetched; {url!r} has no scheme")
    if parsed.scheme not in ("http", "https"):
        raise UrlForbidden(f"only http and https URLs can be fetched, not {parsed.scheme}: URLs")
    if not parsed.host:
        raise UrlForbidden("the URL has no host")
    if parsed.userinfo:
        # Credentials would be sent to whoever the URL names; articles never need them.
        raise UrlForbidden("URLs with a user name or password are not accepted")
    return parsed


def resolve_target(url: httpx.URL, policy: AddressPolicy, deadline: float) -> Target:
    """Resolve a URL's host once and check every address it resolves to."""
    host = url.raw_host.decode("ascii").strip("[]").lower()
    literal = parse_ip(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        found = _lookup_with_timeout(host, url.port or _default_port(url), remaining(deadline, host))
        addresses = parse_addresses(found)
        if not addresses:
            raise FetchFailed(f"could not resolve host {host}")
    refused = policy.first_refused(host, addresses, url.port or _default_port(url))
    if refused is not None:
        where = f"{host} is" if literal is not None else f"{host} resolves to"
        raise UrlForbidden(f"{where} a non-public address ({refused}); fetching it is not allowed")
    return Target(url=url, host=host, addresses=tuple(addresses))


def remaining(deadline: float, host: str) -> float:
    """Seconds left before the deadline (a `time.monotonic()` value); FetchFailed when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed(f"timed out fetching from {host}")
    return left


def _default_port(url: httpx.URL) -> int:
    """The scheme's default port."""
    return 443 if url.scheme == "https" else 80


# The resolver `_lookup_with_timeout` asks (tests replace it).
_lookup = system_lookup


def _lookup_with_timeout(host: str, port: int, timeout_s: float) -> list[str]:
    """`_lookup` bounded in time: getaddrinfo has no timeout of its own.

    The lookup runs in a daemon thread; on timeout it is abandoned (it ends
    when the resolver gives up) rather than holding the caller.
    """
    result: list[str] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.extend(_lookup(host, port))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, raised there
            failure.append(exc)

    worker = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(max(timeout_s, 0.0))
    if worker.is_alive():
        raise FetchFailed(f"timed out resolving {host}")
    if failure:
        if isinstance(failure[0], (OSError, UnicodeError)):
            raise FetchFailed(f"could not resolve host {host}: {failure[0]}") from failure[0]
        raise failure[0]
    return result
