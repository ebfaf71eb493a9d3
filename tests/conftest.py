"""Shared fixtures: settings in a temporary data dir, services on free ports."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from service.core.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
EXAMPLES = SHARED / "examples"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded database made by the migrations once per session, for tests to start from a copy of."""
    from service.core.migrations import upgrade

    path = tmp_path_factory.mktemp("migrated") / "narrator.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def settings(tmp_path: Path, migrated_database: Path) -> Settings:
    """Embedded-default settings rooted in a fresh temporary directory, its database already migrated.

    A copy costs a millisecond, migrating a new database about 0.1 s (tests/unit/test_migrations.py
    migrates new ones); the process start still checks its revision (service.core.migrations.ensure_schema).
    """
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(migrated_database, data / "narrator.db")
    return Settings(data_dir=data)


@contextmanager
def serve_pages(pages: dict[str, tuple[int, bytes]]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering `pages` (path -> status, HTML); yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = pages.get(self.path, (404, b"not here"))
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
