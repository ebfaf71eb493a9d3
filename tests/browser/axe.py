"""axe-core (the npm package) for browser tests: found or installed once, injected into every page, run.

The script is added with Playwright's init script (the DevTools protocol), so the
console's Content-Security-Policy, which allows no inline script, does not stop it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_VERSION = "4.10.3"
# Where `npm install` puts it (git ignores .cache/); NARRATOR_AXE_JS names a copy to use instead.
AXE_PREFIX = REPO_ROOT / ".cache" / "axe"
AXE_JS = AXE_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def axe_script() -> Path:
    """The path of axe.min.js: NARRATOR_AXE_JS, else the copy in .cache/axe, installed with npm if missing."""
    configured = os.environ.get("NARRATOR_AXE_JS")
    if configured:
        return Path(configured)
    if AXE_JS.exists():
        return AXE_JS
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("needs axe-core: npm (apt-get install -y npm), or NARRATOR_AXE_JS=<path to axe.min.js>")
    AXE_PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [npm, "install", "--prefix", str(AXE_PREFIX), "--no-audit", "--no-fund", f"axe-core@{AXE_VERSION}"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return AXE_JS


def serious_violations(page: Any) -> list[str]:
    """axe's serious and critical violations on the page as it is now: 'rule: target (message)' lines."""
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"]:
            found.append(f"{violation['id']}: {node['target']} ({node['failureSummary']})")
    return found
