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
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from service.core.netpolicy import AddressPolicy, IPAddress, parse_ip
from service.document.errors import FetchFailed, HttpError, TooLarge
from service.document.resolve import Target, parse_url, remaining, resolve_target

__all__ = ["FetchedPage", "FetchedResource", "fetch_article_html", "fetch_resource"]


@dataclass(frozen=True)
class FetchedPage:
    """A fetched HTML page: the final URL after redirects, its text and its media type."""

    url: str
    html: str
    content_type: str


@dataclass(frozen=True)
class FetchedResource:
    """Any fetched resource (a feed, a sitemap): the final URL, status (200 or 304), headers and body."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes


HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_USER_AGENT = "narrator/0.1 (+listen-to-article; article fetcher)"
# Certificate verification for https: True means httpx's default CA bundle.
# Tests swap in an SSLContext that trusts their own local certificate.
_TLS_VERIFY: ssl.SSLContext | bool = True


# --------------------------------------------------------------------------- #
# HTTP
# --------------------------------------------------------------------------- #


def _pinned_request(
    client: httpx.Client, target: Target, ip: IPAddress, deadline: float, headers: dict[str, str]
) -> httpx.Request:
    """A GET to `ip` that the server sees as a request for the original URL (Host, SNI)."""
    pinned_url = target.url.copy_with(host=str(ip))
    extensions: dict[str, object] = {}
    if target.url.scheme == "https" and parse_ip(target.host) is None:
        extensions["sni_hostname"] = target.host
    return client.build_request(
        "GET",
        pinned_url,
        headers={**headers, "Host": target.url.netloc.decode("ascii")},
        extensions=extensions,
        timeout=httpx.Timeout(remaining(deadline, target.host)),
    )


@contextmanager
def _open(target: Target, deadline: float, headers: dict[str, str] | None = None) -> Iterator[httpx.Response]:
    """An open (streaming) response from the first of the target's addresses that connects.

    `headers` go with the request (Accept, conditional headers); the default accepts HTML.
    """
    with httpx.Client(
        trust_env=False,  # no proxies from the environment: they would re-resolve the host
        verify=_TLS_VERIFY,
        follow_redirects=False,
        headers={
            "User-Agent": _USER_AGENT,
            # Uncompressed: the byte limit then also bounds what the server sends.
            "Accept-Encoding": "identity",
        },
    ) as client:
        last_error: Exception | None = None
        for ip in target.addresses:
            request = _pinned_request(client, target, ip, deadline, {"Accept": HTML_ACCEPT, **(headers or {})})
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


def _check_status(response: httpx.Response, max_bytes: int) -> None:
    """Refuse error statuses and declared oversize bodies."""
    if response.status_code >= 400:
        raise HttpError(
            f"the server answered HTTP {response.status_code}",
            response.status_code,
            response.headers.get("retry-after"),
        )
    if not 200 <= response.status_code < 300:
        raise FetchFailed(f"unexpected HTTP status {response.status_code}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"the body is too large ({declared} bytes; the limit is {max_bytes})")


def _check_response(response: httpx.Response, max_bytes: int) -> str:
    """Refuse error statuses, non-HTML content and declared oversize bodies; return the media type."""
    _check_status(response, max_bytes)
    media_type = _media_type(response)
    if media_type not in HTML_CONTENT_TYPES:
        raise FetchFailed(f"not an HTML page (content type {media_type or 'missing'})")
    return media_type


def _read_limited(response: httpx.Response, max_bytes: int, deadline: float, host: str) -> bytes:
    """The body, read in chunks, stopping at the byte limit and the deadline."""
    body = bytearray()
    try:
        # No chunk_size: httpx would buffer up to it, hiding a slow drip from the deadline check.
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > max_bytes:
                raise TooLarge(f"the body is larger than the limit of {max_bytes} bytes")
            # Per-read timeouts alone let a server drip bytes forever.
            remaining(deadline, host)
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
    current = parse_url(url)
    for _hop in range(max_redirects + 1):
        target = resolve_target(current, policy, deadline)
        with _open(target, deadline) as response:
            if response.status_code in _REDIRECT_STATUSES:
                current = _redirect_target(current, response)
                continue
            media_type = _check_response(response, max_bytes)
            body = _read_limited(response, max_bytes, deadline, target.host)
            return FetchedPage(url=str(current), html=_decode(body, response), content_type=media_type)
    raise FetchFailed(f"too many redirects (more than {max_redirects})")


def fetch_resource(
    url: str,
    *,
    accept: str,
    headers: dict[str, str] | None = None,
    allow_hosts: Collection[str] = (),
    allow_private: bool = False,
    max_bytes: int = 10_000_000,
    timeout_s: float = 10.0,
    max_redirects: int = 5,
) -> FetchedResource:
    """Fetch any resource by http(s) URL with the same address checks as `fetch_article_html`.

    `headers` may carry conditional headers (If-None-Match, If-Modified-Since):
    a 304 comes back as a resource with status 304 and an empty body. Error
    statuses raise `HttpError` (with Retry-After), a body over `max_bytes`
    raises `TooLarge`, a refused address `UrlForbidden`.
    """
    deadline = time.monotonic() + timeout_s
    policy = AddressPolicy.build(allow_hosts, allow_private)
    current = parse_url(url)
    sent = {"Accept": accept, **(headers or {})}
    for _hop in range(max_redirects + 1):
        target = resolve_target(current, policy, deadline)
        with _open(target, deadline, sent) as response:
            if response.status_code in _REDIRECT_STATUSES:
                current = _redirect_target(current, response)
                continue
            if response.status_code == 304:
                return FetchedResource(str(current), 304, response.headers, b"")
            _check_status(response, max_bytes)
            body = _read_limited(response, max_bytes, deadline, target.host)
            return FetchedResource(str(current), response.status_code, response.headers, body)
    raise FetchFailed(f"too many redirects (more than {max_redirects})")


def _redirect_target(current: httpx.URL, response: httpx.Response) -> httpx.URL:
    """The vetted URL a redirect response points to (relative to the URL requested, not the IP)."""
    location = response.headers.get("location")
    if not location:
        raise FetchFailed(f"redirect (HTTP {response.status_code}) without a Location header")
    return parse_url(urljoin(str(current), location.strip()))
