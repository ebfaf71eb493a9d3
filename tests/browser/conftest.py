"""Browser fixtures: the live service, a publisher's page on another origin, and system Chromium."""

from __future__ import annotations

import functools
import http.server
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from pydantic import SecretStr

from service.api.app import create_app
from service.api.deps import get_queue
from service.core.settings import Settings
from tests.browser.axe import axe_source
from tests.browser.live import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SIGNING_SECRET,
    Narrated,
    NullQueue,
    QuietHandler,
    free_port,
    narrated_article,
)
from tests.browser.pages import VIEWPORTS


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """System Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium: apt-get install -y chromium")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="needs the playwright package (pip install playwright)"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module", params=["local", "s3"])
def service(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Narrated]:
    """The app served by uvicorn on a free 127.0.0.1 port, with one narrated article.

    Its files are stored locally (served by /media) or in an S3 bucket (SeaweedFS), where the player's
    audio, marks and captions requests are redirected.
    """
    root = tmp_path_factory.mktemp("service")
    signing = [SecretStr(SIGNING_SECRET)]  # for the private article's test
    settings = Settings(data_dir=root / "data", media_signing_secrets=signing)
    if request.param == "s3":
        s3 = request.getfixturevalue("s3_server")
        settings = Settings(
            data_dir=root / "data",
            storage_url=f"s3://narrator-browser-{uuid.uuid4().hex[:8]}/media",
            s3_endpoint_url=s3.endpoint_url,
            s3_access_key_id=s3.access_key_id,
            s3_secret_access_key=s3.secret_access_key,
            media_signing_secrets=signing,
        )
    app = create_app(settings)
    app.dependency_overrides[get_queue] = NullQueue
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    base_url = f"http://127.0.0.1:{server.config.port}"
    try:
        yield narrated_article(base_url, settings, root)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def publisher_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A static server for the publisher's page, on another origin (localhost, not 127.0.0.1)."""
    root = tmp_path_factory.mktemp("site")
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def axe_js() -> str:
    return axe_source()


@pytest.fixture(params=list(VIEWPORTS))
def page(request: pytest.FixtureRequest, chromium_browser: Any, axe_js: str) -> Iterator[Any]:
    """A fresh browser context at a phone's or a desktop's width, axe-core in every page; fails on script errors.

    For the console page tests (tests/browser/pages.py checks each page). axe comes in as an init script (the
    DevTools protocol), so the pages' own CSP stays in force: the cover preview (blob:) and the voice samples
    are tested under it.
    """
    context = chromium_browser.new_context(viewport=VIEWPORTS[request.param])
    context.add_init_script(script=axe_js)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def console_error(msg: Any) -> None:
        # An error page's own status is logged as a failed load of the document: its test checks the status.
        if msg.type == "error" and msg.location.get("url") != page.url:
            errors.append(msg.text)

    page.on("console", console_error)
    page.viewport_name, page.axe_source = request.param, axe_js
    yield page
    context.close()
    assert errors == []
