"""Each `narrator worker` serves its own Prometheus /metrics, summed over its pool processes.

Celery runs tasks in forked pool processes, each with its own memory, so the
metrics a task records are not in the process that could serve them. The
worker therefore runs prometheus-client in multiprocess mode in a directory of
its own (one memory-mapped file per process, counters and histograms summed at
scrape time), and its main process serves them over HTTP. A pool process that
is replaced keeps its file, so no count goes backwards. The directory is fresh
at every start and removed at exit: a restarted worker starts from zero, as
Prometheus expects of a restarted target.

Why one exporter per worker and not one directory shared with the API:
docs/architecture.md, "Observability".
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def start_worker_exporter(port: int, host: str = "0.0.0.0") -> Path:
    """Serve this worker's metrics on `host:port`; returns the metrics directory.

    Call it before the worker's metrics exist (before `service.core.metrics` is
    imported), so that they are created in multiprocess mode.
    """
    if "service.core.metrics" in sys.modules:
        raise RuntimeError("the worker exporter must start before service.core.metrics is imported")
    directory = Path(tempfile.mkdtemp(prefix="narrator-worker-metrics-"))
    os.environ[MULTIPROC_ENV] = str(directory)  # pool processes inherit it
    from prometheus_client import CollectorRegistry, start_http_server, values
    from prometheus_client.multiprocess import MultiProcessCollector

    if not getattr(values.ValueClass, "_multiprocess", False):
        # prometheus-client was imported before the variable was set: metrics created from now on use the files.
        values.ValueClass = values.get_value_class()
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    start_http_server(port, addr=host, registry=registry)
    owner = os.getpid()
    atexit.register(_remove_directory, directory, owner)
    return directory


def _remove_directory(directory: Path, owner: int) -> None:
    if os.getpid() == owner:  # never from a forked pool process
        shutil.rmtree(directory, ignore_errors=True)
