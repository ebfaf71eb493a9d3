"""Console error pages: an error on a console page a browser opened is an HTML page in the console's frame.

The status and the problem's code are the API's (service/api/problems.py decides both, one place); only the
form changes. A request that does not accept text/html (the console's scripts, curl) and every API route keep
problem+json.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from service.console.session import new_session, read_session
from service.console.templating import NAV, render
from service.core.errors import NarratorError
from service.core.settings import Settings

PREFIX = "/console"
HOME = NAV[0]
# Headers of the problem answer that the page keeps (Allow on a 405, Retry-After on a 429, ...).
DROPPED_HEADERS = frozenset({"content-type", "content-length"})

Handler = Callable[[Request, Exception], Awaitable[Response]]
ProblemHandler = Callable[[Request, Any], Response | Awaitable[Response]]  # as Starlette keeps them


def wants_html(request: Request) -> bool:
    """A console page asked for by a browser: the path is under /console and text/html is acceptable."""
    path = request.url.path
    if (path != PREFIX and not path.startswith(PREFIX + "/")) or path.startswith(PREFIX + "/static/"):
        return False
    for part in request.headers.get("accept", "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if media.lower() == "text/html":
            q = next((p.split("=", 1)[1] for p in params if p.lower().startswith("q=")), "1")
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


def back_link(request: Request) -> tuple[str, str]:
    """(label, href) of the page to go back to: the list of the section the failed page is in."""
    section = request.url.path.removeprefix(PREFIX + "/").split("/", 1)[0]
    for label, href in NAV:
        if href == f"{PREFIX}/{section}" and (href != request.url.path or request.url.query):
            return label, href
    return HOME


def _html_or_problem(settings: Settings, problem_handler: ProblemHandler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        answer = problem_handler(request, exc)
        problem = await answer if inspect.isawaitable(answer) else answer
        if not wants_html(request):
            return problem
        body = json.loads(bytes(problem.body))
        label, href = back_link(request)
        page = render(
            request,
            settings,
            "error.html",
            user=None,
            session=read_session(request, settings) or new_session(),
            title=str(body.get("title", "Error")),
            status_code=problem.status_code,
            show_nav=True,
            status=problem.status_code,
            heading=body.get("title", "Error"),
            message=body.get("detail") or body.get("title", ""),
            code=body.get("code", ""),
            back_label=label,
            back_href=href,
        )
        for name, value in problem.headers.items():
            if name.lower() not in DROPPED_HEADERS:
                page.headers.setdefault(name, value)
        return page

    return handle


def install(app: FastAPI, settings: Settings) -> None:
    """Wrap the app's problem handlers (installed before) so console pages answer errors in HTML."""
    # Exception last: an unexpected failure of a console page is the console's 500 page, not JSON.
    for error in (NarratorError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(error, _html_or_problem(settings, app.exception_handlers[error]))
