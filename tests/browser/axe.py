"""axe-core (npm, pinned in tests/browser/package.json) for the browser tests.

`make test` installs it (Makefile `system-deps`); a plain `pytest` run installs it on first use when npm is here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent  # package.json names the version
AXE_JS = PACKAGE_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

# Runs axe on the whole page; only what a person meets: violations with their impact and first target.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                                        target: v.nodes[0] && v.nodes[0].target}));
}"""


def axe_source() -> str:
    """axe.min.js, installed with npm into tests/browser/node_modules when it is not there yet."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("CI"):
                pytest.fail("axe-core is missing and npm is not installed (make system-deps installs both)")
            pytest.skip("needs axe-core: npm install --prefix tests/browser (make system-deps)")
        subprocess.run(
            [npm, "install", "--prefix", str(PACKAGE_DIR), "--no-package-lock", "--no-audit", "--no-fund"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE_JS.read_text(encoding="utf-8")


def blocking_violations(page: Any, source: str) -> list[dict[str, Any]]:
    """The serious and critical accessibility violations axe finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)  # the context bypasses the console's CSP for this
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [v for v in violations if v["impact"] in BLOCKING]
