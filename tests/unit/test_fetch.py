"""Tests for service.document.fetch (and resolve): SSRF-safe article fetching against a real server on 127.0.0.1.

Nothing here reaches beyond 127.0.0.1: names other than the local server's
are resolved by a stubbed `resolve._lookup`, and refused addresses are refused
before any connection is attempted.
"""

from __future__ import annotations

import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import cast

import pytest

from service.core.netpolicy import is_public_ip
from service.document import fetch, resolve
from service.document.errors import FetchFailed, UrlForbidden
from service.document.fetch import FetchedPage, fetch_article_html

ARTICLE = "<!doctype html><html><head><title>Hello</title></head><body><p>Story text.</p></body></html>"
BIG_BODY_BYTES = 50_000
SMALL_LIMIT = 10_000


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str, *, length: bool = True) -> None:
    """Write a complete response."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _server_port(handler: BaseHTTPRequestHandler) -> int:
    """The port the handling server listens on."""
    return cast(ThreadingHTTPServer, handler.server).server_port


def _redirect(handler: BaseHTTPRequestHandler, location: str) -> None:
    """Write a 302 to `location`."""
    handler.send_response(302)
    handler.send_header("Location", location)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def _drip(handler: BaseHTTPRequestHandler) -> None:
    """Send headers, then one byte every 100 ms for ~3 s (each read is quick; the whole is slow)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    try:
        for _ in range(30):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass  # the client gave up, as it should


ROUTES: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {
    "/article": lambda h: _send(h, 200, ARTICLE.encode(), "text/html; charset=utf-8"),
    "/xhtml": lambda h: _send(h, 200, ARTICLE.encode(), "application/xhtml+xml"),
    "/latin1": lambda h: _send(h, 200, "<p>café</p>".encode("latin-1"), "text/html; charset=iso-8859-1"),
    "/host": lambda h: _send(h, 200, f"<p>{h.headers.get('Host')}</p>".encode(), "text/html"),
    "/big": lambda h: _send(h, 200, b"a" * BIG_BODY_BYTES, "text/html"),
    "/big-unannounced": lambda h: _send(h, 200, b"a" * BIG_BODY_BYTES, "text/html", length=False),
    "/json": lambda h: _send(h, 200, b"{}", "application/json"),
    "/no-type": lambda h: _send(h, 200, b"<p>hi</p>", ""),
    "/missing": lambda h: _send(h, 404, b"<p>not found</p>", "text/html"),
    "/broken": lambda h: _send(h, 500, b"<p>oops</p>", "text/html"),
    "/to-article": lambda h: _redirect(h, "/article"),
    "/loop": lambda h: _redirect(h, "/loop"),
    "/to-metadata": lambda h: _redirect(h, "http://169.254.169.254/latest/meta-data/"),
    "/to-file": lambda h: _redirect(h, "file:///etc/passwd"),
    "/to-loopback-ip": lambda h: _redirect(h, f"http://127.0.0.1:{_server_port(h)}/article"),
    "/drip": _drip,
}


class _Handler(BaseHTTPRequestHandler):
    """Serves ROUTES; HTTP/1.0 so a body without Content-Length ends at connection close."""

    def do_GET(self) -> None:
        route = ROUTES.get(self.path.split("?")[0])
        if route is None:
            _send(self, 404, b"", "text/plain")
        else:
            route(self)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """Base URL of a local HTTP server on a free port of 127.0.0.1."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """A name -> addresses table used instead of the system resolver; unknown names fail."""
    table: dict[str, list[str]] = {}

    def lookup(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    monkeypatch.setattr(resolve, "_lookup", lookup)
    return table


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


# ---- refused by default ---------------------------------------------------- #


def test_loopback_server_is_refused_by_default(server: str) -> None:
    with pytest.raises(UrlForbidden, match="non-public address"):
        fetch_article_html(f"{server}/article")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/article.html"])
def test_non_http_schemes_are_forbidden(url: str) -> None:
    with pytest.raises(UrlForbidden, match="only http and https"):
        fetch_article_html(url, allow_private=True)


def test_url_with_credentials_is_forbidden(server: str) -> None:
    with pytest.raises(UrlForbidden, match="user name or password"):
        fetch_article_html(server.replace("http://", "http://user:secret@") + "/article", allow_private=True)


def test_name_resolving_to_private_address_is_forbidden(fake_dns: dict[str, list[str]]) -> None:
    fake_dns["intranet.test"] = ["10.1.2.3"]
    with pytest.raises(UrlForbidden, match=re.escape("10.1.2.3")):
        fetch_article_html("http://intranet.test/article")


def test_name_mixing_public_and_private_addresses_is_forbidden(fake_dns: dict[str, list[str]]) -> None:
    fake_dns["rebind.test"] = ["93.184.216.34", "127.0.0.1"]
    with pytest.raises(UrlForbidden, match=re.escape("127.0.0.1")):
        fetch_article_html("http://rebind.test/article")


def test_ipv4_mapped_ipv6_loopback_literal_is_forbidden() -> None:
    with pytest.raises(UrlForbidden):
        fetch_article_html("http://[::ffff:127.0.0.1]/article")


def test_numeric_ipv4_spelling_of_loopback_is_forbidden() -> None:
    # 2130706433 == 127.0.0.1; the resolver expands it, the check sees the real address.
    with pytest.raises(UrlForbidden):
        fetch_article_html("http://2130706433/article")


# ---- allowed --------------------------------------------------------------- #


def test_allow_private_fetches_local_page(server: str) -> None:
    page = fetch_article_html(f"{server}/article", allow_private=True)
    assert page == FetchedPage(url=f"{server}/article", html=ARTICLE, content_type="text/html")


def test_allow_hosts_with_the_ip_fetches_local_page(server: str) -> None:
    page = fetch_article_html(f"{server}/article", allow_hosts=["127.0.0.1"])
    assert page.html == ARTICLE


def test_allow_hosts_with_a_network_fetches_local_page(server: str) -> None:
    page = fetch_article_html(f"{server}/article", allow_hosts=["127.0.0.0/8"])
    assert page.html == ARTICLE


def test_allowed_name_connects_to_checked_address_with_original_host_header(
    server: str, fake_dns: dict[str, list[str]]
) -> None:
    # "news.test" exists only in the stub resolver, so the page can only be
    # reached by connecting to the address the check saw.
    fake_dns["news.test"] = ["127.0.0.1"]
    page = fetch_article_html(f"http://news.test:{_port(server)}/host", allow_hosts=["news.test"])
    assert page.html == f"<p>news.test:{_port(server)}</p>"


def test_xhtml_content_type_is_accepted(server: str) -> None:
    page = fetch_article_html(f"{server}/xhtml", allow_private=True)
    assert page.content_type == "application/xhtml+xml"


def test_body_is_decoded_with_the_declared_charset(server: str) -> None:
    page = fetch_article_html(f"{server}/latin1", allow_private=True)
    assert page.html == "<p>café</p>"


# ---- redirects ------------------------------------------------------------- #


def test_redirect_is_followed_and_final_url_reported(server: str) -> None:
    page = fetch_article_html(f"{server}/to-article", allow_private=True)
    assert page.url == f"{server}/article"


def test_redirect_from_allowed_server_to_private_address_is_forbidden(server: str) -> None:
    with pytest.raises(UrlForbidden, match=re.escape("169.254.169.254")):
        fetch_article_html(f"{server}/to-metadata", allow_hosts=["127.0.0.1"])


def test_redirect_from_allowed_name_to_its_unlisted_ip_is_forbidden(
    server: str, fake_dns: dict[str, list[str]]
) -> None:
    # Allowing a name does not allow whatever else points at the same address.
    fake_dns["news.test"] = ["127.0.0.1"]
    with pytest.raises(UrlForbidden, match=re.escape("127.0.0.1")):
        fetch_article_html(f"http://news.test:{_port(server)}/to-loopback-ip", allow_hosts=["news.test"])


def test_redirect_to_file_url_is_forbidden(server: str) -> None:
    with pytest.raises(UrlForbidden, match="only http and https"):
        fetch_article_html(f"{server}/to-file", allow_private=True)


def test_redirect_loop_fails(server: str) -> None:
    with pytest.raises(FetchFailed, match="too many redirects"):
        fetch_article_html(f"{server}/loop", allow_private=True, max_redirects=3)


# ---- https: pinned address, original name for SNI and certificate ----------- #


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ssl.SSLContext, list[str]]]:
    """(port, client context trusting the server, SNI names seen) for an https server
    on 127.0.0.1 whose self-signed certificate names only "news.test"."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    workdir = tmp_path_factory.mktemp("tls")
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=news.test",
            "-addext",
            "subjectAltName=DNS:news.test",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    seen_sni: list[str] = []
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    server_ctx.sni_callback = lambda sock, name, ctx: seen_sni.append(str(name))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.socket = server_ctx.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield str(httpd.server_address[1]), ssl.create_default_context(cafile=str(cert)), seen_sni
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_https_sends_original_name_as_sni_to_pinned_address(
    tls_server: tuple[str, ssl.SSLContext, list[str]],
    fake_dns: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port, client_ctx, seen_sni = tls_server
    monkeypatch.setattr(fetch, "_TLS_VERIFY", client_ctx)
    fake_dns["news.test"] = ["127.0.0.1"]
    page = fetch_article_html(f"https://news.test:{port}/host", allow_hosts=["news.test"])
    assert (page.html, seen_sni[-1]) == (f"<p>news.test:{port}</p>", "news.test")


def test_https_certificate_is_checked_against_original_name(
    tls_server: tuple[str, ssl.SSLContext, list[str]],
    fake_dns: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The certificate is valid for news.test only; connecting by IP must not
    # make a request for another name on the same address succeed.
    port, client_ctx, _ = tls_server
    monkeypatch.setattr(fetch, "_TLS_VERIFY", client_ctx)
    fake_dns["other.test"] = ["127.0.0.1"]
    with pytest.raises(FetchFailed, match="could not connect"):
        fetch_article_html(f"https://other.test:{port}/article", allow_hosts=["other.test"])


# ---- failures ---------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/big", "too large"),  # Content-Length over the limit
        ("/big-unannounced", "larger than the limit"),  # no Content-Length: caught while streaming
        ("/json", "application/json"),
        ("/no-type", "content type missing"),
        ("/missing", "HTTP 404"),
        ("/broken", "HTTP 500"),
    ],
)
def test_pages_that_are_not_html_within_limits_fail(server: str, path: str, message: str) -> None:
    with pytest.raises(FetchFailed, match=message):
        fetch_article_html(f"{server}{path}", allow_private=True, max_bytes=SMALL_LIMIT)


def test_slow_drip_hits_total_time_limit(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="timed out"):
        fetch_article_html(f"{server}/drip", allow_private=True, timeout_s=0.5)
    assert time.monotonic() - started < 2.0


def test_unresolvable_host_fails(fake_dns: dict[str, list[str]]) -> None:
    with pytest.raises(FetchFailed, match="could not resolve"):
        fetch_article_html("http://nowhere.test/")


def test_closed_port_fails() -> None:
    with socket.socket() as probe:  # find a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchFailed, match="could not connect"):
        fetch_article_html(f"http://127.0.0.1:{port}/", allow_private=True)


# ---- error codes and address classification --------------------------------- #


def test_error_classes_carry_problem_codes() -> None:
    assert (UrlForbidden.code, FetchFailed.code) == ("url_forbidden", "fetch_failed")
    assert issubclass(UrlForbidden, ValueError) and issubclass(FetchFailed, RuntimeError)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",
        "64:ff9b::a00:1",
        "2001:db8::1",
    ],
)
def test_non_public_addresses_are_not_public(address: str) -> None:
    assert not is_public_ip(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_ip(address)
