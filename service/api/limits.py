"""Request body size limits as pure ASGI middleware (counts streamed bytes too).

One limit for every route (`NARRATOR_MAX_BODY_BYTES`), and larger ones for the
routes that take files (feed intro, outro and cover audio/art), declared here
by path so the global limit never refuses what the route itself accepts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.problems import problem


class BodySizeLimit:
    """Answer 413 problem+json when a request body exceeds `max_bytes`.

    A declared Content-Length over the limit is refused before reading; a
    chunked body is counted as it streams, and once over the limit the 413 is
    sent and the app sees a client disconnect (its own answer is dropped).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, per_route: Sequence[tuple[str, int]] = ()) -> None:
        self.app, self.max_bytes = app, max_bytes
        self.per_route = [(re.compile(pattern), limit) for pattern, limit in per_route]

    def limit_for(self, path: str) -> int:
        """The body limit of the route at `path`."""
        return next((limit for pattern, limit in self.per_route if pattern.fullmatch(path)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._reject(scope, receive, send, max_bytes)
            return
        received = 0
        rejected = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes and not started:
                    rejected = True
                    await self._reject(scope, receive, send, max_bytes)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if rejected:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, guarded_send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        response = problem(413, "payload_too_large", "Request body too large", f"The limit is {max_bytes} bytes")
        await response(scope, receive, send)
