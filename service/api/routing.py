"""Every `APIRoute` of an app, however its routers were included.

FastAPI 0.165 keeps an included router as one `_IncludedRouter` entry in
`app.routes` (its routes stay on the original router); earlier versions copy
the routes into `app.routes`. Checks over all routes (auth.py, openapi.py)
walk both shapes here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute


def api_routes(app: FastAPI) -> list[APIRoute]:
    """The app's API routes, each once, in the order they were added."""
    found: dict[int, APIRoute] = {}
    for route in _walk(app.routes):
        found.setdefault(id(route), route)
    return list(found.values())


def _walk(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI >= 0.165: an included router
        if included is not None:
            yield from _walk(included.routes)
