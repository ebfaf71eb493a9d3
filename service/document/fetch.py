"""Fetch an article page by URL without letting the URL reach internal networks (SSRF-safe).

How the checks hold up against DNS rebinding
--------------------------------------------
A check-then-fetch design where the HTTP client resolves the host again is
unsafe: a hostile DNS server can answer the check with a public address and
the fetch with 127.0.0.1.  Here each hop is resolved exactly once, every
address is checked, and the request goes to the checked IP itself: the URL's
host is replaced by the IP, the original ``Host`` header is sent explicitly,
and for https the original hostname is passed as httpx's ``sni_hostname``
request extension, so TLS sends it as SNI *and* verifies the certificate
against it (httpcore hands it to ``ssl.wrap_socket(server_hostname=...)``).
Redirects are followed by hand, so every hop goes through the same checks.
The client ignores proxy environment variables (``trust_env=False``): a
proxy would resolve the name itself and undo the pinning.
"""

from __future__ import annotations

import codecs
import re
import ssl
import threading
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from service.core.netpolicy import (
    AddressPolicy,
    IPAddress,
    is_public_ip,
    parse_addresses,
    parse_ip,
    system_lookup,
)

__all__ = ["FetchFailed", "FetchedPage", "UrlForbidden", "fetch_article_html", "is_public_ip"]


class UrlForbidden(ValueError):
    """The URL may not be fetched: not http(s), credentials in it, or a non-public address."""

    code: str = "url_forbidden"


class FetchFailed(RuntimeError):
    """The page could not be fetched: DNS, connection, timeout, HTTP error, size or content type."""

    code: str = "fetch_failed"


@dataclass(frozen=True)
class FetchedPage:
    """A fetched HTML page: the final URL after redirects, its text and its media type."""

    url: str
    html: str
    content_type: str


HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_USER_AGENT = "narrator/0.1 (+listen-to-article; article fetcher)"
# Certificate verification for https: True means httpx's default CA bundle.
# Tests swap in an SSLContext that trusts their own local certificate.
_TLS_VERIFY: ssl.SSLContext | bool = True


# --------------------------------------------------------------------------- #
# URL and DNS
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class _Target:
    """One hop: the URL as requested and the checked addresses to connect to."""

    url: httpx.URL
    host: str  # ASCII host (IDNA), no brackets
    addresses: tuple[IPAddress, ...]


def _parse_url(url: str) -> httpx.URL:
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
        except BaseException as exc:  # handed to the caller's thread
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


def _resolve_target(url: httpx.URL, policy: AddressPolicy, deadline: float) -> _Target:
    """Resolve a URL's host once and check every address it resolves to."""
    host = url.raw_host.decode("ascii").strip("[]").lower()
    literal = parse_ip(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        found = _lookup_with_timeout(host, url.port or _default_port(url), _remaining(deadline, host))
        addresses = parse_addresses(found)
        if not addresses:
            raise FetchFailed(f"could not resolve host {host}")
    refused = policy.first_refused(host, addresses, url.port or _default_port(url))
    if refused is not None:
        where = f"{host} is" if literal is not None else f"{host} resolves to"
        raise UrlForbidden(f"{where} a non-public address ({refused}); fetching it is not allowed")
    return _Target(url=url, host=host, addresses=tuple(addresses))


def _default_port(url: httpx.URL) -> int:
    """The scheme's default port."""
    return 443 if url.scheme == "https" else 80


def _remaining(deadline: float, host: str) -> float:
    """Seconds left before the deadline; FetchFailed when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed(f"timed out fetching from {host}")
    return left


# --------------------------------------------------------------------------- #
# HTTP
# --------------------------------------------------------------------------- #


def _pinned_request(client: httpx.Client, target: _Target, ip: IPAddress, deadline: float) -> httpx.Request:
    """A GET to `ip` that the server sees as a request for the original URL (Host, SNI)."""
    pinned_url = target.url.copy_with(host=str(ip))
    extensions: dict[str, object] = {}
    if target.url.scheme == "https" and parse_ip(target.host) is None:
        extensions["sni_hostname"] = target.host
    return client.build_request(
        "GET",
        pinned_url,
        headers={"Host": target.url.netloc.decode("ascii")},
        extensions=extensions,
        timeout=httpx.Timeout(_remaining(deadline, target.host)),
    )


@contextmanager
def _open(target: _Target, deadline: float) -> Iterator[httpx.Response]:
    """An open (streaming) response from the first of the target's addresses that connects."""
    with httpx.Client(
        trust_env=False,  # no proxies from the environment: they would re-resolve the host
        verify=_TLS_VERIFY,
        follow_redirects=False,
        headers={
            "User-Agent": _USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            # Uncompressed: the byte limit then also bounds what the server sends.
            "Accept-Encoding": "identity",
        },
    ) as client:
        last_error: Exception | None = None
        for ip in target.addresses:
            request = _pinned_request(client, target, ip, deadline)
            try:
                response = client.send(request, stream=True)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                last_error = exc
                continue
            except httpx.TimeoutException as exc:
                raise FetchFailed(f"timed out fetching from {target.host}") from exc
            except httpx.HTTPError as exc:
                raise FetchFailed(f"fetching from {target.host} failed: {exc}") from exc
            try:
                yield response
            finally:
                response.close()
            return
        if isinstance(last_error, httpx.ConnectTimeout):
            raise FetchFailed(f"timed out connecting to {target.host}") from last_error
        raise FetchFailed(f"could not connect to {target.host}: {last_error}") from last_error


def _media_type(response: httpx.Response) -> str:
    """The response's media type, lowercase, without parameters ('' when missing)."""
    return str(response.headers.get("content-type", "")).split(";")[0].strip().lower()


def _check_response(response: httpx.Response, max_bytes: int) -> str:
    """Refuse error statuses, non-HTML content and declared oversize bodies; return the media type."""
    if response.status_code >= 400:
        raise FetchFailed(f"the server answered HTTP {response.status_code}")
    if not 200 <= response.status_code < 300:
        raise FetchFailed(f"unexpected HTTP status {response.status_code}")
    media_type = _media_type(response)
    if media_type not in HTML_CONTENT_TYPES:
        raise FetchFailed(f"not an HTML page (content type {media_type or 'missing'})")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed(f"the page is too large ({declared} bytes; the limit is {max_bytes})")
    return media_type


def _read_limited(response: httpx.Response, max_bytes: int, deadline: float, host: str) -> bytes:
    """The body, read in chunks, stopping at the byte limit and the deadline."""
    body = bytearray()
    try:
        # No chunk_size: httpx would buffer up to it, hiding a slow drip from the deadline check.
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > max_bytes:
                raise FetchFailed(f"the page is larger than the limit of {max_bytes} bytes")
            # Per-read timeouts alone let a server drip bytes forever.
            _remaining(deadline, host)
    except httpx.TimeoutException as exc:
        raise FetchFailed(f"timed out reading from {host}") from exc
    except httpx.HTTPError as exc:
        raise FetchFailed(f"reading from {host} failed: {exc}") from exc
    return bytes(body)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _known_codec(name: str | None) -> str | None:
    """`name` if Python knows the codec, else None."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode(body: bytes, response: httpx.Response) -> str:
    """Body text: BOM, then the header charset, then <meta>/XML declaration, else UTF-8."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    head = body[:4096]
    found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    declared = found.group(1).decode("ascii") if found else None
    encoding = _known_codec(response.charset_encoding) or _known_codec(declared) or "utf-8"
    return body.decode(encoding, errors="replace")


# --------------------------------------------------------------------------- #
# Public
# --------------------------------------------------------------------------- #


def fetch_article_html(
    url: str,
    *,
    allow_hosts: Collection[str] = (),
    allow_private: bool = False,
    max_bytes: int = 5_000_000,
    timeout_s: float = 10.0,
    max_redirects: int = 5,
) -> FetchedPage:
    """Fetch an HTML page by http(s) URL, refusing non-public destinations at every redirect hop.

    `allow_hosts` lists host names, IP addresses or CIDR networks that may be
    non-public (an intranet wiki, a test server); `allow_private` lifts the
    address check altogether.  `timeout_s` bounds the whole fetch, DNS and
    redirects included.

    Raises UrlForbidden for URLs that may not be fetched and FetchFailed when
    fetching does not produce an HTML page within the limits.
    """
    deadline = time.monotonic() + timeout_s
    policy = AddressPolicy.build(allow_hosts, allow_private)
    current = _parse_url(url)
    for _hop in range(max_redirects + 1):
        target = _resolve_target(current, policy, deadline)
        with _open(target, deadline) as response:
            if response.status_code in _REDIRECT_STATUSES:
                current = _redirect_target(current, response)
                continue
            media_type = _check_response(response, max_bytes)
            body = _read_limited(response, max_bytes, deadline, target.host)
            return FetchedPage(url=str(current), html=_decode(body, response), content_type=media_type)
    raise FetchFailed(f"too many redirects (more than {max_redirects})")


def _redirect_target(current: httpx.URL, response: httpx.Response) -> httpx.URL:
    """The vetted URL a redirect response points to (relative to the URL requested, not the IP)."""
    location = response.headers.get("location")
    if not location:
        raise FetchFailed(f"redirect (HTTP {response.status_code}) without a Location header")
    return _parse_url(urljoin(str(current), location.strip()))
