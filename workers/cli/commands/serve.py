"""`narrator serve`: the HTTP API, with one worker beside it unless --no-worker; --demo narrates an article.

Started with its own worker (the embedded mode of `make run`) it keeps the
console to what a person follows: no line per request or per task unless
--verbose; responses with an error status, warnings and errors always show.
Ctrl-C (SIGINT) or SIGTERM stops the API and the worker within two seconds.
"""

from __future__ import annotations

import argparse
import gc
import logging
import socket
import threading
import time

from service.core.settings import Settings
from workers.cli.registry import Command, CommandError

STOP_BUDGET_S = 1.8  # from the signal to the last process gone (two seconds promised, some margin)
GRACEFUL_HTTP_S = (
    1  # open requests (an SSE stream, a download) get this long before they are cut (uvicorn takes whole seconds)
)


def _port(value: str) -> int:
    port = int(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {port}")
    return port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port to listen on; 0 picks a free one")
    parser.add_argument("--no-worker", action="store_true", help="do not start a worker process")
    parser.add_argument("--demo", action="store_true", help="narrate the shipped demo article once the service is up")
    parser.add_argument(
        "--insecure", action="store_true", help="serve a non-loopback address although no API key exists (open API)"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log every request and every task (always on for requests with --no-worker)",
    )


class ErrorResponsesOnly(logging.Filter):
    """Keep the access-log lines (`narrator.access`, service/api/observability.py) of 4xx and 5xx responses."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status", None)
        return not isinstance(status, int) or status >= 400


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything else starts: a port in use is one clear line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def _reachable(host: str) -> str:
    """The host part of a URL that reaches `host` from this machine."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"[{host}]" if ":" in host else host


def _check_access(args: argparse.Namespace, settings: Settings) -> None:
    """With no API key every route is open: fine on loopback, refused elsewhere unless --insecure."""
    import ipaddress

    from service.access.keys import any_keys
    from service.core.db import session_scope

    with session_scope(settings.database_url) as session:
        if any_keys(session):
            logging.getLogger("narrator").info("API keys exist: routes other than the public ones need one")
            return
    try:
        loopback = args.host == "localhost" or ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        logging.getLogger("narrator").warning(
            "no API key exists: the API is open on %s (loopback only); `narrator keys create` closes it", args.host
        )
        return
    if args.insecure:
        logging.getLogger("narrator").warning(
            "no API key exists and --insecure: the whole API is OPEN to anyone who can reach %s", args.host
        )
        return
    raise CommandError(
        f"refusing to serve {args.host} with no API key: anyone could delete articles. "
        "Create one first (narrator keys create --name N --scopes admin) or pass --insecure."
    )


def serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from service.api.app import create_app
    from workers.cli.demo import run_demo
    from workers.cli.embedded_worker import EmbeddedWorker

    app = create_app(settings)  # validates the catalog and creates the schema before anything starts
    _check_access(args, settings)
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]
    embedded = not args.no_worker
    worker: EmbeddedWorker | None = None
    demo_stop = threading.Event()

    class ServerWithWorker(uvicorn.Server):
        # uvicorn re-raises the stop signal once it has shut down, so nothing
        # after run() is sure to execute: the worker is stopped from here.
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            deadline = time.monotonic() + STOP_BUDGET_S
            demo_stop.set()
            if worker is not None:
                worker.begin_stop()  # the worker's shutdown runs beside the API's
            await super().shutdown(sockets)
            if worker is not None:
                worker.stop(deadline)

    config = uvicorn.Config(
        app,
        log_level="info",
        log_config=None,  # uvicorn logs through narrator's logging (NARRATOR_LOG_FORMAT)
        access_log=False,  # the app logs each request itself, with its request id (narrator.access)
        timeout_graceful_shutdown=GRACEFUL_HTTP_S,
        # Only these proxies may name the client (X-Forwarded-For): per-address rate limits count that address.
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
    quiet = embedded and not args.verbose
    if quiet:
        logging.getLogger("narrator.access").addFilter(ErrorResponsesOnly())
    server = ServerWithWorker(config)
    if embedded:
        worker = EmbeddedWorker(quiet=quiet)
    base = f"http://{_reachable(args.host)}:{port}"
    logging.getLogger("narrator").info(
        "API on %s (docs %s/docs); data in %s; Ctrl-C stops", base, base, settings.data_dir.resolve()
    )
    if args.demo:
        threading.Thread(target=run_demo, args=(base, demo_stop), name="demo", daemon=True).start()
    gc.freeze()  # the interpreter's last collection, over a heap this size, takes seconds: leave it out
    try:
        server.run(sockets=[sock])
    finally:
        demo_stop.set()
        if worker is not None:
            worker.stop(time.monotonic() + STOP_BUDGET_S)
        gc.freeze()  # and what the requests made since
    return 0


COMMAND = Command(
    name="serve",
    help="run the HTTP API and one worker process",
    add_arguments=add_arguments,
    run=serve,
    order=10,
)
