"""HTTP method semantics the routes do not each repeat: HEAD on every GET route, `Allow` on 405.

`HeadAsGet` answers HEAD with the GET route's status and headers and no body
(RFC 9110 9.3.2), so each resource is declared once, for GET, in the OpenAPI
document. A streaming GET (live audio, server-sent events) is told the client
left as soon as its headers are out, so it stops instead of running on.

`allowed_methods` lists what every route of a path accepts, for the `Allow`
header of a 405.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CANDIDATE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class HeadAsGet:
    """Pure ASGI middleware: a HEAD request runs the GET route; the body is dropped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        started = False
        finished = False

        async def head_receive() -> Message:
            if started:
                return {"type": "http.disconnect"}
            return await receive()

        async def head_send(message: Message) -> None:
            nonlocal started, finished
            if finished:
                return
            if message["type"] == "http.response.start":
                started = True
                await send(message)
            elif message["type"] == "http.response.body":
                finished = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            else:
                await send(message)

        as_get = {**scope, "method": "GET"}
        try:
            await self.app(as_get, head_receive, head_send)
        finally:
            # The route that answered, for the middleware around this one (request metrics and logs).
            for key in ("route", "path_params"):
                if key in as_get:
                    scope[key] = as_get[key]


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route accepts for this request's path (HEAD wherever GET is)."""
    # Asked method by method: included routers do not expose their routes' methods.
    methods = {
        method
        for method in CANDIDATE_METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in routes)
    }
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)
