"""Who may call what: Bearer API keys, one scope per route, and the one list of public routes.

Each route takes its scope as a dependency (`ArticlesRead`, `FeedsWrite`, ...,
built with `Security(...)`), so the OpenAPI document names the scheme and the
scope on every operation: `security: [{"HTTPBearer": ["articles:read"]}]`.
Routes for listeners are listed in `PUBLIC_ROUTES` and take no key;
`check_routes_declared` refuses to build an app with a route that is neither.

Until the first key is created, every request acts as the default project with
every scope (the embedded default needs no set-up); after that, a route that
is not public needs a key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Security
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, SecurityScopes

from service.access.keys import OPEN_DEFAULT, Principal, any_keys, verify_key
from service.api.deps import SessionDep
from service.api.ratelimit import RateLimiterDep, count, limit_by_address
from service.api.routing import api_routes
from service.core.errors import Forbidden, Unauthenticated

bearer = HTTPBearer(
    auto_error=False,
    description="An API key (`narrator keys create`): `Authorization: Bearer nk_...`. "
    "Each operation lists the scope it needs.",
)

# (method, path template) of every route a listener uses without a key. Nothing else is public.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/feeds/{slug}.xml"),
        ("GET", "/feeds/{slug}/{token}.xml"),  # a private feed's, for one subscriber
        ("GET", "/player/{article_id}"),
        ("GET", "/player.js"),
        ("GET", "/v1/articles/{article_id}/player.json"),
        ("GET", "/v1/articles/{article_id}/audio.mp3"),
        ("GET", "/v1/articles/{article_id}/live.mp3"),
        ("GET", "/v1/voices/{voice_id}/sample.mp3"),
        ("POST", "/v1/articles/{article_id}/events"),
        ("GET", "/media/{name}"),  # immutable files by digest (not in the OpenAPI document)
        # The editors' console signs in with a key (service/console): these take none. Every other
        # console route declares its scope through the console's session principal.
        ("GET", "/console/sign-in"),
        ("POST", "/console/sign-in"),
        ("POST", "/console/sign-out"),
    }
)
# Mounted apps, not routes: immutable media and the player's static files.
PUBLIC_MOUNTS = ("/media", "/static", "/console/static")
# FastAPI's own documentation routes.
DOCS_ROUTES = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


def authenticate(
    security_scopes: SecurityScopes,
    request: Request,
    session: SessionDep,
    limiter: RateLimiterDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller's project and scopes; 401 without a valid key (once keys exist), 403 without the scope.

    Counted against the rate limit of its key; while no key exists, a write counts against its address.
    """
    if not any_keys(session):
        # Open until the first key is made; any key a client sends anyway (the OpenAI client always sends
        # one) is ignored rather than refused. Every route is public then: its writes count per address.
        limit_by_address(request, limiter)
        return OPEN_DEFAULT
    if credentials is None:
        raise Unauthenticated("Send an API key: Authorization: Bearer <key>")
    principal = verify_key(session, credentials.credentials)
    if principal is None:
        raise Unauthenticated("The API key is unknown or revoked")
    count(request, limiter, limiter.per_key, f"key:{principal.key_id}")
    for scope in security_scopes.scopes:
        if not principal.allows(scope):
            raise Forbidden(scope)
    return principal


def _scoped(scope: str) -> object:
    return Security(authenticate, scopes=[scope])


ArticlesRead = Annotated[Principal, _scoped("articles:read")]
ArticlesWrite = Annotated[Principal, _scoped("articles:write")]
FeedsWrite = Annotated[Principal, _scoped("feeds:write")]
LexiconWrite = Annotated[Principal, _scoped("lexicon:write")]
WebhooksWrite = Annotated[Principal, _scoped("webhooks:write")]
SourcesWrite = Annotated[Principal, _scoped("sources:write")]
StatsRead = Annotated[Principal, _scoped("stats:read")]
MetricsRead = Annotated[Principal, _scoped("metrics:read")]
Admin = Annotated[Principal, _scoped("admin")]


def route_scopes(route: APIRoute, principals: Sequence[Callable[..., object]] = ()) -> list[str]:
    """The scopes a route declares (through its dependencies), as the OpenAPI document shows them.

    A scope counts when it is asked of `authenticate` (Bearer keys) or of one of `principals` (the
    console's session, which resolves a signed-in key the same way).
    """
    sources = (authenticate, *principals)
    found: list[str] = []
    stack = [(route.dependant, list[str]())]
    while stack:
        dependant, parent = stack.pop()
        scopes = parent + [s for s in (dependant.own_oauth_scopes or []) if s not in parent]
        if any(dependant.call is source for source in sources):
            found.extend(s for s in scopes if s not in found)
        stack.extend((sub, scopes) for sub in dependant.dependencies)
    return found


def check_routes_declared(app: FastAPI, principals: Sequence[Callable[..., object]] = ()) -> None:
    """Every route is public (PUBLIC_ROUTES) or declares a scope; anything else stops the app from being built.

    `principals`: other dependencies that resolve a key and check scopes (the console's session).
    """
    for route in api_routes(app):
        if route.path in DOCS_ROUTES:
            continue
        for method in (route.methods or set()) - {"HEAD"}:
            public = (method, route.path) in PUBLIC_ROUTES
            scoped = bool(route_scopes(route, principals))
            if public == scoped:
                problem = "is public and declares a scope" if public else "declares no scope and is not public"
                raise RuntimeError(f"{method} {route.path} {problem} (service/api/auth.py)")
