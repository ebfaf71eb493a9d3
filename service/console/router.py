"""The editors' console at /console: sign-in and sign-out, the pages' routers, static files.

Every console route declares its scope through `service.console.session.console_principal`
(`ConsoleRead`, `ConsoleArticlesWrite`, ...) or is listed in `service.api.auth.PUBLIC_ROUTES`
(signing in and out); the app refuses a route that does neither, as for the API. Every
unsafe request is CSRF-checked (`csrf_protect`, on the whole router).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from service.access.keys import any_keys
from service.api.deps import SessionDep, SettingsDep
from service.api.problems import problem
from service.api.ratelimit import limit_by_address
from service.console import errors
from service.console.pages import article, articles, feeds, pronunciation, sources, stats, voices, webhooks
from service.console.session import (
    ConsoleRead,
    CurrentSession,
    clear_session,
    console_principal,
    csrf_protect,
    sign_in,
    write_session,
)
from service.console.templating import STATIC_DIR, render
from service.core.errors import SignInRequired
from service.core.settings import Settings

PREFIX = "/console"
STATIC_PATH = "/console/static"
router = APIRouter(prefix=PREFIX, tags=["console"], include_in_schema=False, dependencies=[Depends(csrf_protect)])
# The dependency that declares a console route's scope (service/api/auth.py check_routes_declared).
PRINCIPAL = console_principal


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a console path only (never another site)."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return PREFIX + "/articles"


@router.get("")
def home(user: ConsoleRead) -> RedirectResponse:
    """The console opens on its articles."""
    return RedirectResponse(PREFIX + "/articles", status_code=303)


@router.get("/sign-in")
def sign_in_page(
    request: Request, session: SessionDep, settings: SettingsDep, data: CurrentSession, next: str | None = None
) -> Response:
    """The sign-in form (straight to the articles while no key exists: the open default)."""
    if not any_keys(session):
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(
        request, settings, "sign_in.html", user=None, session=data, title="Sign in", next=_safe_next(next), error=None
    )


@router.post("/sign-in", dependencies=[Depends(limit_by_address)])  # tries count per address
def sign_in_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    data: CurrentSession,
    key: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Sign in with an API key: a new session (and CSRF token) holding the key's id."""
    signed_in = sign_in(session, key)
    if signed_in is None:
        return render(
            request,
            settings,
            "sign_in.html",
            user=None,
            session=data,
            title="Sign in",
            status_code=401,
            next=_safe_next(next),
            error="That key is unknown or revoked.",
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    write_session(response, request, settings, signed_in)
    return response


@router.post("/sign-out")
def sign_out() -> RedirectResponse:
    """End the session (the cookie is dropped; the key itself stays valid)."""
    response = RedirectResponse(PREFIX + "/sign-in", status_code=303)
    clear_session(response)
    return response


for page in (articles, article, pronunciation, voices, feeds, webhooks, stats, sources):
    router.include_router(page.router)
# Console routes that take files, with their body limits (service/api/app.py gives them to BodySizeLimit).
BODY_LIMITS = [(feeds.UPLOAD_PATH_PATTERN, feeds.MAX_UPLOAD_BYTES)]


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    """A browser asking for a page is sent to sign in; anything else gets the problem+json 401."""
    assert isinstance(exc, SignInRequired)
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{PREFIX}/sign-in?next={quote(target, safe='/')}", status_code=303)
    return problem(exc.status, exc.code, exc.title, exc.message)


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the console on the app: its routes, its static files, the sign-in redirect and its error pages."""
    app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="console-static")
    app.add_exception_handler(SignInRequired, _sign_in_required)
    errors.install(app, settings)  # after the problem handlers, which it wraps
