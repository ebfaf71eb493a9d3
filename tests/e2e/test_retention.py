"""Garbage collection runs by itself beside a real worker and is counted in the worker's metrics."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.core.settings import Settings
from service.core.storage import storage_for
from tests.processes import NARRATOR, free_port, running, service_env

pytestmark = pytest.mark.e2e

FILES_FLAC = ("narrator_gc_deleted_files_total", (("ext", "flac"),))


def test_the_loop_beside_the_worker_collects_an_unreferenced_file_and_counts_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    storage = storage_for(Settings(data_dir=data))
    orphan = storage.put_bytes(b"the audio of a segment no record names", "flac")
    port, metrics_port = free_port(), free_port()
    env = service_env(
        data, NARRATOR_GC_INTERVAL_S="1", NARRATOR_GC_GRACE_S="0", NARRATOR_WORKER_METRICS_PORT=str(metrics_port)
    )
    with running([[NARRATOR, "serve", "--port", str(port)]], env, port, tmp_path / "logs"):
        deadline = time.monotonic() + 60
        while (samples := scrape(metrics_port)).get(FILES_FLAC, 0) == 0 and time.monotonic() < deadline:
            time.sleep(0.5)
    assert samples[FILES_FLAC] == 1
    assert samples[("narrator_gc_freed_bytes_total", (("ext", "flac"),))] == orphan.size
    assert not storage.exists(orphan.key)


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The worker's samples; none while its exporter is not up yet (the API answers first)."""
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    except httpx.ConnectError:
        return {}
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
