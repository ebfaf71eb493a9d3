"""Rendering console pages: one Jinja2 environment, the layout's context, and the session cookie on first visit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from service.console.session import CSRF_FIELD, ConsoleUser, SessionData, read_session, write_session
from service.core.settings import Settings

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

templates = Jinja2Templates(directory=TEMPLATES_DIR)  # autoescapes .html

# The nav, in order: (label, path). Each page module serves its path.
NAV = (
    ("Articles", "/console/articles"),
    ("Voices", "/console/voices"),
    ("Feeds", "/console/feeds"),
    ("Webhooks", "/console/webhooks"),
    ("Stats", "/console/stats"),
    ("Sources", "/console/sources"),
)

# A console page runs nothing from elsewhere and is never framed. Images and audio may come from the
# bucket (/media redirects there with S3 storage: a feed's cover, a sample), or be blob: (a file the
# editor chose, previewed before it is uploaded).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https: http:; "
    "media-src 'self' https: http: blob:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def render(
    request: Request,
    settings: Settings,
    template: str,
    *,
    user: ConsoleUser | None,
    session: SessionData,
    title: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A console page in the layout (base.html); sets the session cookie when the browser has none yet."""
    path = request.url.path
    response = templates.TemplateResponse(
        request,
        template,
        {
            "title": title,
            "user": user,
            "csrf_field": CSRF_FIELD,
            "csrf_token": session.csrf,
            "nav": [(label, href, path == href or path.startswith(href + "/")) for label, href in NAV],
            **context,
        },
        status_code=status_code,
        headers={
            "Content-Security-Policy": CSP,
            "Cache-Control": "no-store",
            "Referrer-Policy": "same-origin",
            "X-Content-Type-Options": "nosniff",
        },
    )
    if read_session(request, settings) != session:
        write_session(response, request, settings, session)
    return response
