"""Console sessions: who the browser is, what its key may do, and the CSRF checks on every form.

Signing in takes an API key (service/access/keys.py) and keeps only the key's
id in a signed cookie (itsdangerous), so revoking the key ends the session at
the next request. Until the first key exists the console opens directly as the
open default (every scope), as the API does.

The cookie is HttpOnly, SameSite=Strict, and Secure when the request came over
https. It also carries the session's CSRF token: every POST must send it back
(the `csrf_token` form field or the `X-CSRF-Token` header) and must come from
this origin (Origin, else Referer).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request, Response, Security
from fastapi.security import SecurityScopes
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from service.access.keys import OPEN_DEFAULT, Principal, any_keys, principal_of_key_id, verify_key
from service.api.deps import SessionDep, SettingsDep
from service.api.ratelimit import RateLimiterDep, count, limit_by_address
from service.core.errors import CsrfFailed, Forbidden, SignInRequired
from service.core.settings import Settings

COOKIE = "narrator_console"
MAX_AGE_S = 12 * 3600  # a working day; then sign in again
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_SALT = "narrator-console-session"


@dataclass(frozen=True)
class SessionData:
    """What the cookie holds: the signed-in key's id (None: not signed in, or the open default) and the CSRF token."""

    key_id: str | None
    csrf: str

    def dump(self) -> dict[str, Any]:
        return {"k": self.key_id, "c": self.csrf}


@dataclass(frozen=True)
class ConsoleUser:
    """The principal a console request acts as, with its session (to render forms and re-issue the cookie)."""

    principal: Principal
    session: SessionData
    open_default: bool  # no key exists: the console opens without signing in

    def can(self, scope: str) -> bool:
        return self.principal.allows(scope)

    @property
    def csrf_token(self) -> str:
        return self.session.csrf


def secret(settings: Settings) -> str:
    """The cookie signing secret: NARRATOR_CONSOLE_SECRET, else one made once and kept in the data directory."""
    configured = settings.console_secret.get_secret_value()
    if configured:
        return configured
    path = Path(settings.data_dir) / "console-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = secrets.token_urlsafe(32)
        try:  # two processes starting together: the first file written wins
            with path.open("x", encoding="utf-8") as f:
                f.write(candidate)
            path.chmod(0o600)
        except FileExistsError:
            pass
    return path.read_text(encoding="utf-8").strip()


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret(settings), salt=_SALT)


def read_session(request: Request, settings: Settings) -> SessionData | None:
    """The request's session, or None when there is no valid, unexpired cookie."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(settings).loads(raw, max_age=MAX_AGE_S)
    except BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), str):
        return None
    key_id = data.get("k")
    return SessionData(key_id if isinstance(key_id, str) else None, data["c"])


def new_session(key_id: str | None = None) -> SessionData:
    """A fresh session (a new CSRF token): at first visit, and at every sign-in (no session fixation)."""
    return SessionData(key_id, secrets.token_urlsafe(32))


def write_session(response: Response, request: Request, settings: Settings, data: SessionData) -> None:
    """Set the session cookie on a response."""
    response.set_cookie(
        COOKIE,
        _serializer(settings).dumps(data.dump()),
        max_age=MAX_AGE_S,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/console", httponly=True, samesite="strict")


def current_session(request: Request, settings: SettingsDep) -> SessionData:
    """The request's session; a new one (not yet sent) when the browser has none. Kept on request.state."""
    data = getattr(request.state, "console_session", None)
    if data is None:
        data = read_session(request, settings) or new_session()
        request.state.console_session = data
    return data


CurrentSession = Annotated[SessionData, Depends(current_session)]


def sign_in(session: Session, key: str) -> SessionData | None:
    """A new session for a valid key, else None."""
    principal = verify_key(session, key.strip())
    return None if principal is None else new_session(principal.key_id)


def console_principal(
    security_scopes: SecurityScopes,
    request: Request,
    session: SessionDep,
    limiter: RateLimiterDep,
    data: CurrentSession,
) -> ConsoleUser:
    """Who the console request acts as; SignInRequired without a usable session, Forbidden without the scope.

    Console routes declare their scope with this dependency (`ConsoleRead`, `ConsoleArticlesWrite`, ...), as API
    routes do with `service.api.auth.authenticate`; `check_routes_declared` accepts either. Requests count against
    the rate limits as the API's do: per key, or per address for writes while no key exists.
    """
    if not any_keys(session):
        limit_by_address(request, limiter)
        user = ConsoleUser(OPEN_DEFAULT, data, open_default=True)
    else:
        principal = principal_of_key_id(session, data.key_id) if data.key_id else None
        if principal is None:
            raise SignInRequired(f"Sign in to open {request.url.path}")
        count(request, limiter, limiter.per_key, f"key:{principal.key_id}")
        user = ConsoleUser(principal, data, open_default=False)
    for scope in security_scopes.scopes:
        if not user.can(scope):
            raise Forbidden(scope)
    return user


def _scoped(scope: str) -> Any:
    return Security(console_principal, scopes=[scope])


ConsoleRead = Annotated[ConsoleUser, _scoped("articles:read")]
ConsoleArticlesWrite = Annotated[ConsoleUser, _scoped("articles:write")]
ConsoleFeedsWrite = Annotated[ConsoleUser, _scoped("feeds:write")]
ConsoleLexiconWrite = Annotated[ConsoleUser, _scoped("lexicon:write")]
ConsoleWebhooksWrite = Annotated[ConsoleUser, _scoped("webhooks:write")]
ConsoleSourcesWrite = Annotated[ConsoleUser, _scoped("sources:write")]
ConsoleStatsRead = Annotated[ConsoleUser, _scoped("stats:read")]


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins(request: Request, settings: Settings) -> set[str]:
    """The console's own origin: as the request reached us, and NARRATOR_PUBLIC_URL's when set."""
    origins = {str(request.base_url).rstrip("/").lower()}
    if settings.public_url and (public := _origin(settings.public_url)):
        origins.add(public)
    return origins


async def csrf_protect(request: Request, settings: SettingsDep, data: CurrentSession) -> AsyncIterator[None]:
    """On every unsafe request under /console: same origin, and the session's CSRF token sent back.

    After the page has answered, the request's parsed form is closed: an uploaded file's
    spooled temporary file is not left to the garbage collector.
    """
    if request.method in UNSAFE_METHODS:
        await _check_csrf(request, settings, data)
    try:
        yield
    finally:
        await request.close()


async def _check_csrf(request: Request, settings: Settings, data: SessionData) -> None:
    sent_from = request.headers.get("origin") or request.headers.get("referer")
    origin = _origin(sent_from) if sent_from and sent_from != "null" else None
    if origin is None or origin not in allowed_origins(request, settings):
        raise CsrfFailed(f"refused a {request.method} from origin {sent_from or 'unknown'!r}")
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette keeps the parsed form: the route reads it again for free
        value = form.get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    if not token or not hmac.compare_digest(token, data.csrf):
        raise CsrfFailed("the form's CSRF token is missing or not this session's; reload the page")
