"""The API process streams audio with service/audio but imports no worker code, no TTS or ASR library,
and none of the heavy libraries only some requests or only a migration need.

The run-time check of docs/architecture.md's rule 2: an interpreter costs seconds of imports, so a fresh
interpreter builds the app and serves the routes nearest the engines (the voices and their samples), and
the test reads every module it loaded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from service.core.migrations import upgrade
from service.core.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]

# In a fresh interpreter: the app with every route, as `narrator serve` builds it, answering the voice routes.
IMPORTS = """
import sys
from fastapi.testclient import TestClient
from service.api.app import create_app
from service.api.deps import get_queue
from service.core.settings import Settings

class Queue:
    def send(self, task, args, queue): pass

app = create_app(Settings(data_dir=sys.argv[1]))
app.dependency_overrides[get_queue] = lambda: Queue()
with TestClient(app) as client:
    assert client.get("/v1/voices").status_code == 200
    assert client.get("/v1/voices/en_US-joe-medium/sample.mp3?wait=0").status_code == 202
for name in sorted(sys.modules):
    print(name)
"""

# The speech model libraries (TTS and ASR engines and what runs their models).
FORBIDDEN = ("piper", "onnxruntime", "onnx", "torch", "TTS", "moonshine_cpp")
# Imported by the first request that needs them, never by building the app (resident memory,
# bench/memory.py): HTML extraction only when a URL or HTML is submitted (service/document/html.py),
# Alembic (with Mako) only when the database is not at the newest revision (service/core/migrations),
# rich and pygments only for a person at a terminal (service/__init__.py).
LAZY = (
    "trafilatura",
    "readability",
    "courlan",
    "htmldate",
    "justext",
    "alembic",
    "mako",
    "rich",
    "pygments",
)


def _app_modules(data_dir: Path) -> set[str]:
    """The modules a fresh interpreter holds once it has built the app over `data_dir` (stderr not a terminal)."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS, str(data_dir)],
        check=False,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def _top_level(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in names)


def test_the_api_imports_no_worker_code_and_no_engine(tmp_path: Path) -> None:
    modules = _app_modules(tmp_path / "data")
    assert "service.audio.stream" in modules  # the live stream's encoder: the check below looks at a real import
    assert "service.listeners.samples" in modules  # and the voice samples' routes ran
    assert _top_level(modules, FORBIDDEN) == []
    assert _top_level(modules, ("workers",)) == []


def test_the_api_leaves_what_some_requests_need_to_those_requests(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    upgrade(Settings(data_dir=data_dir).database_url)  # as a start after the first, or after `narrator migrate`

    modules = _app_modules(data_dir)

    assert "service.document.html" in modules  # the intake that extracts pages is there, its libraries are not
    assert "service.core.migrations" in modules  # the start checked the schema
    assert _top_level(modules, LAZY) == []
