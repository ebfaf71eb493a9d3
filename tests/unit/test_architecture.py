"""The API process never loads a speech model library (docs/architecture.md, dependency rules)."""

from __future__ import annotations

import json
import subprocess
import sys

MODEL_LIBRARIES = ("piper", "onnxruntime", "torch", "TTS", "moonshine_cpp", "onnx")


def test_importing_the_api_app_loads_no_tts_asr_or_torch_module() -> None:
    probe = (
        "import json, sys; import service.api.app; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {MODEL_LIBRARIES!r})))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
