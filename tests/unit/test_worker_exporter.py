"""The worker's metrics directory: one per running worker, a dead worker's removed by the next to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from workers.exporter import PREFIX, remove_stale_directories


def test_a_dead_workers_directory_is_removed_and_a_running_ones_kept(tmp_path: Path) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead_pid = int(ended.stdout)
    dead = tmp_path / f"{PREFIX}{dead_pid}-abc"
    alive = tmp_path / f"{PREFIX}{os.getpid()}-def"
    unrelated = tmp_path / f"{PREFIX}not-a-pid"
    for directory in (dead, alive, unrelated):
        directory.mkdir()
        (directory / "counter_1.db").write_bytes(b"\0" * 16)

    assert remove_stale_directories(tmp_path) == [dead]
    assert not dead.exists() and alive.exists() and unrelated.exists()
