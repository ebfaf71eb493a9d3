"""The problem answers each operation can give, written into the OpenAPI document from what the route declares.

A route's own `responses` name its successes; the problems follow from how it
is built, so they are derived here in one place rather than repeated per
route: 404 for a path with an id in it, 401/403/429 for a route that needs a
key (service/api/auth.py counts keyed requests against the rate limit), 413
for a request body, 422 for a route with a body or parameters, 503 for a route that enqueues work. Each is problem+json
(service/api/problems.py). tests/api/test_schemathesis.py holds the document
to what the API answers.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute
from pydantic import BaseModel

from service.api.auth import route_scopes
from service.api.deps import get_queue
from service.api.routing import api_routes

PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    """An RFC 9457 problem: `code` is the stable name of the error (service/core/errors.py)."""

    type: str
    title: str
    status: int
    code: str
    detail: str | None = None


PROBLEMS = {
    401: "No valid API key (`unauthenticated`)",
    403: "The key lacks the scope (`forbidden`)",
    404: "Nothing with that id here (`not_found`)",
    413: "The request body is too large (`payload_too_large`)",
    422: "The request is not valid (`validation_failed`, with each field's error in `errors`)",
    429: "Over the rate limit (`rate_limited`), with Retry-After",
    503: "The queue does not answer (`queue_unavailable`)",
}


def _depends_on(dependant: Dependant, call: Any) -> bool:
    stack = [dependant]
    while stack:
        current = stack.pop()
        if current.call is call:
            return True
        stack.extend(current.dependencies)
    return False


def problem_statuses(route: APIRoute) -> list[int]:
    """The problem statuses a route can answer (422 too: FastAPI would document it as plain JSON)."""
    statuses = []
    if route.body_field is not None or get_flat_params(route.dependant):
        statuses.append(422)
    if route_scopes(route):
        statuses += [401, 403, 429]
    if "{" in route.path:
        statuses.append(404)
    if route.body_field is not None:
        statuses.append(413)
    if _depends_on(route.dependant, get_queue):
        statuses.append(503)
    return sorted(statuses)


def document_problems(app: FastAPI) -> None:
    """Add each route's problem answers to its OpenAPI responses when the document is first built.

    Only the document reads them, and most apps (every test's) never build it: deriving them walks every
    route's dependencies, a good part of building the app.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _add_problems(app)
        return build()

    app.openapi = openapi  # type: ignore[method-assign]


def _add_problems(app: FastAPI) -> None:
    content = {PROBLEM_MEDIA_TYPE: {"schema": Problem.model_json_schema()}}
    for route in api_routes(app):
        if not route.include_in_schema:
            continue
        for status in problem_statuses(route):
            route.responses.setdefault(status, {"description": PROBLEMS[status], "content": content})
