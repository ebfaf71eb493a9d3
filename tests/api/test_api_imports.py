"""The API process streams audio with service/audio but imports no worker code and no TTS or ASR library.

The one run-time check of docs/architecture.md's rule 2: an interpreter costs seconds of imports, so one
fresh interpreter builds the app and serves the routes nearest the engines (the voices and their samples),
and the test reads every module it loaded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_the_api_imports_no_worker_code_and_no_engine(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS, str(tmp_path / "data")],
        check=False,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    modules = set(done.stdout.split())
    assert "service.audio.stream" in modules  # the live stream's encoder: the check below looks at a real import
    assert "service.listeners.samples" in modules  # and the voice samples' routes ran
    assert sorted(m for m in modules if m.split(".")[0] in FORBIDDEN) == []
    assert sorted(m for m in modules if m.split(".")[0] == "workers") == []
