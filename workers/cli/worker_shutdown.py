"""How `narrator worker` stops in a fraction of a second on a cold shutdown, and exits without hanging.

A cold shutdown gives up the running tasks; as tasks are acknowledged late,
closing the broker connection gives their messages back to the queue for the
next worker. Celery's own cold shutdown (SIGQUIT) does that too, but takes
seconds on the embedded SQLite broker: billiard's pool threads and processes
notice the stop at their next poll (0.8 to 1 s each), the main loop when its
current poll of the broker ends (up to 2 s), and the interpreter's exit runs
the pool finalizer again, which blocks for good when a killed pool process
held the result queue's lock. `narrator serve` promises to stop within two
seconds, so when the signal finds the main loop between two polls of the
broker (no broker transaction open), the worker instead:

1. kills the pool's processes (their tasks are given up, as in a cold shutdown);
2. closes the broker connection: kombu gives the unacknowledged messages back;
3. ends at once (`exit_now`).

Anywhere else Celery's own cold shutdown runs. A worker of `narrator serve`
(`--parent`) treats SIGTERM the same way (SIGTERM is what `narrator serve`
sends it, and is harmless before Celery starts: no core dump); other workers
keep Celery's warm shutdown on SIGTERM for their supervisors.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any, NoReturn

from workers.cli.registry import CommandError
from workers.lifetime import die_with_parent

EX_FAILURE = 1


def stop_with_parent(parent: int) -> None:
    """Get SIGTERM when process `parent` dies, even by SIGKILL (Linux only); fail if it is already gone."""
    if not die_with_parent(parent):
        raise CommandError(f"the parent process {parent} has gone")


def prompt_cold_shutdown_on(signames: tuple[str, ...]) -> Callable[..., None]:
    """A `worker_ready` receiver (Celery's handlers are installed by then) making `signames` prompt cold shutdowns."""

    def install(sender: Any = None, **_: object) -> None:
        from celery import platforms
        from kombu.transport.virtual.base import Transport

        consumer = sender
        celery_cold = platforms.signals["SIGQUIT"]
        between_polls = Transport.drain_events.__code__

        def on_signal(signum: int, frame: FrameType | None) -> None:
            connection = getattr(consumer, "connection", None)
            if frame is None or frame.f_code is not between_polls or connection is None:
                if callable(celery_cold):
                    celery_cold(signum, frame)
                return
            for pid in _pool_processes(consumer):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            try:
                connection.close()  # the channels give their unacknowledged messages back
            finally:
                exit_now(EX_FAILURE)

        for name in signames:
            platforms.signals[name] = on_signal

    return install


def _pool_processes(consumer: Any) -> list[int]:
    """The pids of the prefork pool's processes (none for other pools)."""
    try:
        return [int(pid) for pid in consumer.pool.info.get("processes", [])]
    except (AttributeError, TypeError, ValueError):
        return []


def exit_now(status: int) -> NoReturn:
    """Flush the logs and standard streams, then end the process without the interpreter's exit."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
