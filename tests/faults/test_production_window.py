"""The reconciler's production window is what the docs promise; the fault tests run the same code on a shorter one."""

from __future__ import annotations

import re

from service.core.settings import REPO_ROOT, Settings
from tests.faults.conftest import RECONCILE_INTERVAL_S, STALL_AFTER_S


def test_the_default_window_is_the_one_docs_architecture_names() -> None:
    settings = Settings.model_fields
    stall, interval = settings["stall_after_s"].default, settings["reconcile_interval_s"].default
    reliability = " ".join((REPO_ROOT / "docs" / "architecture.md").read_text().split())
    promised = re.search(
        r"`NARRATOR_STALL_AFTER_S` \((\d+) s\) without progress \+ one reconcile interval \((\d+) s\)", reliability
    )
    assert promised is not None, "docs/architecture.md no longer says when a dead worker's work is re-dispatched"
    assert (stall, interval) == (float(promised[1]), float(promised[2])) == (90.0, 15.0)
    readme = (REPO_ROOT / "README.md").read_text()
    assert f"| `NARRATOR_STALL_AFTER_S` | {stall:g} |" in readme
    assert f"| `NARRATOR_RECONCILE_INTERVAL_S` / `NARRATOR_RECONCILE_MAX_ATTEMPTS` | {interval:g} / " in readme
    # The fault tests shorten only the waiting, through the variables an operator sets.
    assert Settings(stall_after_s=STALL_AFTER_S, reconcile_interval_s=RECONCILE_INTERVAL_S).stall_after_s < stall
