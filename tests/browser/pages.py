"""Checks every console page test makes: a screenshot kept, axe-core, nothing wider than the viewport."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.browser.axe import blocking_violations

# Screenshots are test artifacts: under $NARRATOR_ARTIFACTS, else test-output/ (git ignores it).
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("NARRATOR_ARTIFACTS") or REPO_ROOT / "test-output") / "console-pages"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


def check_page(page: Any, name: str) -> None:
    """Screenshot (kept), axe-core with no serious or critical violation, nothing wider than the viewport."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{name}-{page.viewport_name}.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    assert blocking_violations(page, page.axe_source) == [], name
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} is {overflow} px wider than the {page.viewport_name} viewport"
