"""Sources: a real local publisher whose feed and pages change between polls, real records, the embedded broker."""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.orm import Session

from service.core.db import session_factory
from service.core.models import Source
from service.core.queue import CeleryQueue
from service.core.settings import Settings
from service.sources.poll import PollResult, poll_source
from service.sources.records import SourceSpec, create_source


@dataclass
class Resource:
    """What the site answers for one path: a status, a body, a content type; `delay_s` before answering."""

    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    status: int
    body: bytes = b""


class Site:
    """A publisher on 127.0.0.1: resources change between polls; every request is logged with its answer.

    Every 200 carries an ETag (a digest of the body) and honours If-None-Match with a 304.
    POSTs are logged and answered 204 (a webhook receiver).
    """

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.requests: list[Request] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                resource = site.resources.get(self.path, Resource(b"not here", status=404))
                time.sleep(resource.delay_s)
                etag = '"' + hashlib.sha256(resource.body).hexdigest()[:16] + '"'
                status = resource.status
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    status = 304
                site.requests.append(Request(self.path, dict(self.headers), status))
                self.send_response(status)
                for name, value in resource.headers.items():
                    self.send_header(name, value)
                if status == 304:
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_header("Content-Type", resource.content_type)
                self.send_header("Content-Length", str(len(resource.body)))
                if status == 200:
                    self.send_header("ETag", etag)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(resource.body)  # the client may stop reading (a body over its limit)

            def do_POST(self) -> None:
                """A webhook receiver: every POST is logged with its body and answered 204."""
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                site.requests.append(Request(self.path, dict(self.headers), 204, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def put(self, path: str, body: bytes | str, **options: object) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.resources[path] = Resource(data, **options)  # type: ignore[arg-type]

    def seen(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    threading.Thread(target=site.server.serve_forever, daemon=True).start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()


@pytest.fixture
def source_settings(settings: Settings, site: Site) -> Settings:
    """The embedded default, allowed to fetch from this site's port only (as an operator would list a host)."""
    return settings.model_copy(update={"fetch_allow_hosts": [f"127.0.0.1:{site.port}"], "fetch_timeout_s": 1.0})


@pytest.fixture
def session(source_settings: Settings) -> Iterator[Session]:
    session = session_factory(source_settings.database_url)()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def queue(source_settings: Settings) -> CeleryQueue:
    """The real queue on the embedded broker (a SQLite file): what a poll narrates is published there."""
    return CeleryQueue(source_settings)


@dataclass
class Sources:
    """Register and poll sources as the worker's task does."""

    session: Session
    queue: CeleryQueue
    settings: Settings

    def add(self, url: str, **spec: object) -> Source:
        source = create_source(self.session, SourceSpec(url=url, interval_s=300, **spec), self.settings)  # type: ignore[arg-type]
        self.session.commit()
        return source

    def poll(self, source: Source) -> PollResult:
        result = poll_source(self.session, self.queue, self.settings, source.id)
        self.session.refresh(source)
        return result


@pytest.fixture
def sources(session: Session, queue: CeleryQueue, source_settings: Settings) -> Sources:
    return Sources(session, queue, source_settings)


def article_page(title: str, paragraphs: list[str], canonical: str | None = None) -> str:
    """An article page as a newsroom CMS would serve it."""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{link}</head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright the publisher</footer></body></html>"
    )


def story(n: int, *, edited: int | None = None) -> list[str]:
    """Three paragraphs of story `n`; `edited` rewrites that paragraph."""
    paragraphs = [
        f"The council of town number {n} met on Monday evening to discuss the new library, which has been "
        f"planned for many years and is now expected to open in the spring.",
        f"Residents of town number {n} asked questions about parking, opening hours and the cost of the "
        "building, and the mayor promised a public meeting before the end of the month.",
        f"The next session of the council of town number {n} will take place in three weeks, when the "
        "budget for the coming year is on the agenda.",
    ]
    if edited is not None:
        paragraphs[edited] = (
            f"Correction for town number {n}: the library will open in the summer, not in the spring, "
            "because the builders need more time for the roof."
        )
    return paragraphs


def rss(site: Site, items: list[tuple[str, str, str]], **extra: str) -> str:
    """An RSS 2.0 feed of (guid, path, pubDate) items."""
    entries = "".join(
        f"<item><title>Story {guid}</title><link>{site.url if path.startswith('/') else ''}{path}</link>"
        f"<guid isPermaLink='false'>{guid}</guid><pubDate>{date}</pubDate>"
        f"{extra.get(guid, '')}</item>"
        for guid, path, date in items
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Town news</title>"
        f"<link>{site.url}/</link><description>News</description>{entries}</channel></rss>"
    )
