"""Each `narrator worker` serves its own Prometheus /metrics, summed over its pool processes.

Celery runs tasks in forked pool processes, each with its own memory, so the
metrics a task records are not in the process that could serve them. The
worker therefore runs prometheus-client in multiprocess mode in a directory of
its own (one memory-mapped file per process, counters and histograms summed at
scrape time), and its main process serves them over HTTP. A pool process that
is replaced keeps its file, so no count goes backwards. The directory is fresh
at every start and removed when the worker stops: a restarted worker starts
from zero, as Prometheus expects of a restarted target. A worker that could not
remove its own (killed, or ended with `os._exit`) has it removed by the next
worker that starts on the host.

Why one exporter per worker and not one directory shared with the API:
docs/architecture.md, "Observability".
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
PREFIX = "narrator-worker-metrics-"
_OWNED_BY = re.compile(re.escape(PREFIX) + r"(\d+)-")


def start_worker_exporter(port: int, host: str = "0.0.0.0") -> Path:
    """Serve this worker's metrics on `host:port`; returns the metrics directory.

    Call it before the worker's metrics exist (before `service.core.metrics` is
    imported), so that they are created in multiprocess mode.
    """
    if "service.core.metrics" in sys.modules:
        raise RuntimeError("the worker exporter must start before service.core.metrics is imported")
    remove_stale_directories(Path(tempfile.gettempdir()))
    directory = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
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

    def remove(**_kwargs: object) -> None:
        if os.getpid() == owner:  # never from a forked pool process
            shutil.rmtree(directory, ignore_errors=True)

    from celery.signals import worker_shutdown

    worker_shutdown.connect(remove, weak=False)  # a warm stop: the pool is done (`narrator worker` ends with _exit)
    atexit.register(remove)
    return directory


def remove_stale_directories(parent: Path) -> list[Path]:
    """Remove the metrics directories of workers that are no longer running; returns them."""
    removed = []
    for candidate in parent.glob(f"{PREFIX}*"):
        owner = _OWNED_BY.match(candidate.name)
        if owner is None or _running(int(owner.group(1))):
            continue
        shutil.rmtree(candidate, ignore_errors=True)
        removed.append(candidate)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
