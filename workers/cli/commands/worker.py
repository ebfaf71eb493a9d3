"""`narrator worker`: a Celery worker on the configured broker (production: many, against Redis)."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Collection

from service.core.settings import Settings
from workers.cli.registry import Command, CommandError

log = logging.getLogger(__name__)
PICKLE_CONTENT = ("pickle", "application/x-python-serialize")


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--concurrency", type=_positive, help="worker processes (default: NARRATOR_WORKER_CONCURRENCY)")
    parser.add_argument(
        "--queues",
        default=None,
        help="comma-separated queues to consume (default: narrator.urgent,narrator.now,narrator.backfill)",
    )
    parser.add_argument(
        "--no-maintenance",
        action="store_true",
        help="do not run the outbox dispatcher, the reconciler and source polls beside it",
    )
    parser.add_argument("--loglevel", default="INFO", type=str.upper, help="log level (default: INFO)")
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no banner and no line per task, only narrations, warnings and errors (`narrator serve`'s worker)",
    )
    # `narrator serve` passes its pid: its worker must not outlive it, and stops promptly on SIGTERM.
    parser.add_argument("--parent", type=int, help=argparse.SUPPRESS)


def threads_per_process(settings: Settings, concurrency: int) -> int:
    """Synthesis threads for each of a worker's processes: as set, else the cores shared out between them.

    0 leaves the engine's default (every core), right for a single process.
    """
    if settings.synth_threads or concurrency <= 1:
        return settings.synth_threads
    return max(1, (os.cpu_count() or 1) // concurrency)


def settle_root_warning(accept_content: Collection[str], *, quiet: bool, euid: int | None = None) -> bool:
    """Replace Celery's page-long SecurityWarning about a worker run as root by one line (none when quiet).

    Celery refuses to run as root when it accepts pickle (a message could run
    code as root) and otherwise warns at every start. Ours accepts JSON only
    (service/core/queue.py), so that danger is not there; what is left is the
    general advice, which the Docker image follows (it runs as uid 10001). A
    developer's `make run` as root (`narrator serve`'s quiet worker) then starts
    clean, and `narrator worker` as root says it once, in our log's format.
    With pickle accepted, Celery's own check stays in force. True when root.
    """
    if (os.geteuid() if euid is None else euid) != 0:
        return False
    if any(content in accept_content for content in PICKLE_CONTENT):
        return True
    from celery.exceptions import SecurityWarning

    warnings.filterwarnings("ignore", category=SecurityWarning)
    if not quiet:
        log.warning(
            "running as root: messages are JSON only, so Celery's pickle risk does not apply; "
            "still, run workers as an unprivileged user (the Docker image runs as uid 10001)"
        )
    return True


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    from service.core.queue import ALL_QUEUES
    from workers.cli.worker_shutdown import exit_now, prompt_cold_shutdown_on, stop_with_parent

    if args.parent is not None:
        stop_with_parent(args.parent)

    if args.loglevel not in logging.getLevelNamesMapping():
        raise CommandError(f"unknown log level {args.loglevel!r} (DEBUG, INFO, WARNING, ERROR)")
    queues = args.queues or ALL_QUEUES
    unknown = sorted(set(queues.split(",")) - set(ALL_QUEUES.split(",")))
    if unknown:
        raise CommandError(f"unknown queue {', '.join(unknown)} (the queues are {ALL_QUEUES})")

    if settings.worker_metrics_port:  # before the worker's metrics exist, so they are made in multiprocess mode
        from workers.exporter import start_worker_exporter

        start_worker_exporter(settings.worker_metrics_port)

    from celery.signals import worker_ready

    from service.core.db import engine_for
    from workers.celery_app import app
    from workers.synthesis import use_threads

    settle_root_warning(app.conf.accept_content, quiet=args.quiet)
    concurrency = args.concurrency or settings.worker_concurrency
    use_threads(threads_per_process(settings, concurrency))  # the pool's processes are forked from this one
    argv = [
        "worker",
        f"--loglevel={args.loglevel}",
        f"--concurrency={concurrency}",
        f"--queues={queues}",
        "--without-gossip",
        "--without-mingle",
    ]
    if args.quiet:
        logging.getLogger("celery").setLevel(max(logging.WARNING, logging.getLevelName(args.loglevel)))
    if args.quiet or settings.log_format == "json":
        argv.insert(0, "--quiet")  # Celery's global option: no banner (nor amid JSON lines)
    # SIGQUIT, and SIGTERM from `narrator serve`, stop in a fraction of a second (worker_shutdown.py)
    worker_ready.connect(prompt_cold_shutdown_on(("SIGQUIT", "SIGTERM") if args.parent else ("SIGQUIT",)), weak=False)
    engine_for(settings.database_url)  # the schema is current (SQLite: migrated) before the first job is taken
    maintenance = None
    if not args.no_maintenance:  # the outbox dispatcher and the reconciler (workers/maintenance.py); dies with us
        maintenance = subprocess.Popen([sys.executable, "-m", "workers.maintenance", str(os.getpid())])
    try:
        app.worker_main(argv=argv)
    finally:
        if maintenance is not None:
            maintenance.terminate()
    # Celery has stopped the pool and closed the broker connection: nothing is
    # left for the interpreter's exit but a pool finalizer that can block.
    exit_now(0)


COMMAND = Command(
    name="worker",
    help="run a Celery worker (production: many, against Redis)",
    add_arguments=add_arguments,
    run=run_worker,
    order=20,
)
