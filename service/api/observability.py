"""Every request gets an id, a line in the log and a place in the HTTP metrics (pure ASGI middleware).

The id is the caller's `X-Request-ID` when it is sane, else a fresh one; it is
bound to every log line the request causes, echoed on the response (the 500
handler adds it to the responses this middleware never sees), and carried by
the tasks the request enqueues. Requests are counted by route *template*
(`/v1/articles/{article_id}`), never by raw path, so ids and scanners cannot
grow the metrics without bound.
"""

from __future__ import annotations

import logging
import time

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.core import logs
from service.core.metrics import HttpMetrics

# Standard logging (fields as `extra`): silent until a process configures logging (service/core/logs.py).
access_log = logging.getLogger("narrator.access")

# Probes and scrapes come every few seconds: their lines are debug, not info.
QUIET_PATHS = frozenset({"/metrics", "/healthz", "/readyz"})
UNMATCHED = "unmatched"
_LOGGED_PATH_PARAMS = ("article_id", "narration_id")


def route_template(scope: Scope) -> str:
    """The template of the route that answered (`/media/{path}` for a mount), or `unmatched`.

    Unmatched: no route answered (a 404, or a body refused before routing).
    """
    template = getattr(scope.get("route"), "path_format", None)
    return template if isinstance(template, str) and template else UNMATCHED


class RequestObservability:
    """Request id in and out, HTTP metrics and one access line per request."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = logs.request_id_from(Headers(scope=scope).get(logs.REQUEST_ID_HEADER))
        # Shared with request.state (the 500 handler reads it there).
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status, latency = 500, None
        header = (logs.REQUEST_ID_HEADER.lower().encode("latin-1"), request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            nonlocal status, latency
            if message["type"] == "http.response.start":
                status, latency = message["status"], time.perf_counter() - started
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != header[0]]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        with logs.bound(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                self._record(scope, status, latency if latency is not None else time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = route_template(scope)
        self.metrics.observe(scope["method"], route, status, seconds)
        params = scope.get("path_params") or {}
        fields = {key: params[key] for key in _LOGGED_PATH_PARAMS if key in params}
        access_log.log(
            logging.DEBUG if scope["path"] in QUIET_PATHS else logging.INFO,
            "%s %s %d",
            scope["method"],
            scope["path"],
            status,
            extra={
                "method": scope["method"],
                "path": scope["path"],
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
                **fields,
            },
        )
