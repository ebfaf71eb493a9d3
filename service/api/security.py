"""HTTP hardening: `X-Content-Type-Options` on every answer, a Content-Security-Policy on every HTML page, CORS.

The player page states its own policy (it may be framed by the sites in
`NARRATOR_FRAME_ANCESTORS`); FastAPI's documentation pages load Swagger UI and
ReDoc from their CDN with inline scripts, so they get a relaxed one; any other
HTML gets a policy that allows nothing. Audio, JSON and feeds get none: a
browser showing an MP3 on its own would apply it to its media player.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NOSNIFF = {"X-Content-Type-Options": "nosniff"}
CSP = "Content-Security-Policy"
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
# Swagger UI and ReDoc as FastAPI serves them: scripts and styles from jsDelivr, inline set-up, Google fonts.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https:; worker-src 'self' blob:; "
    "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)
OTHER_HTML_CSP = "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Headers a browser page on an allowed origin may send and read (CORS, NARRATOR_CORS_ORIGINS).
CORS_REQUEST_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"]
CORS_EXPOSED_HEADERS = ["Location", "ETag", "Retry-After", "RateLimit", "RateLimit-Policy", "X-Request-ID"]


def player_page_csp(frame_ancestors: str) -> str:
    """The player page's policy: everything from here (audio from a bucket or CDN too), framed by `frame_ancestors`."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; media-src 'self' https: http:; "
        f"connect-src 'self'; img-src 'self' data:; frame-ancestors {frame_ancestors}; base-uri 'none'; "
        "form-action 'none'"
    )


class SecurityHeaders:
    """`X-Content-Type-Options: nosniff` everywhere; a CSP on HTML answers that state none (pure ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(NOSNIFF)
                if headers.get("content-type", "").startswith("text/html") and CSP not in headers:
                    headers[CSP] = DOCS_CSP if scope["path"] in DOCS_PATHS else OTHER_HTML_CSP
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_cors(app: FastAPI, origins: list[str]) -> None:
    """Let pages on `origins` call the API with a key (no cookies: keys travel in Authorization)."""
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            allow_credentials=False,
        )
