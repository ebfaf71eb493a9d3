"""Rate limits on requests: per API key, or per client address without one; and their headers on every answer.

Keyed requests are counted per key in `authenticate` (service/api/auth.py),
which knows the key; keyless writes per client address: the public write
routes (listening events) through `AddressLimited`, and every write while no
key exists (the open default, where `POST /v1/audio/speech` is public too).
Keyless reads (media, feeds, the player; polling a narration in the open
default) are not limited: caches and players make many small requests. Over the limit: 429 problem+json `rate_limited`
with `Retry-After`; every counted answer carries `RateLimit` and
`RateLimit-Policy`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.core.errors import RateLimited
from service.core.ratelimit import Decision, Policy, RateLimiter

READS = frozenset({"GET", "HEAD"})
STATE_KEY = "rate_limit"  # the request's Decision, in the ASGI scope's state (request.state)


def get_rate_limiter(request: Request) -> RateLimiter:
    """The app's limiter (built from the settings in create_app)."""
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


def client_address(request: Request) -> str:
    """The client's address: the peer, or what a trusted proxy names (NARRATOR_FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else "unknown"


def count(request: Request, limiter: RateLimiter, policy: Policy, identity: str) -> None:
    """Count this request once against `policy` for `identity`; `RateLimited` over the limit."""
    if getattr(request.state, STATE_KEY, None) is not None:
        return  # already counted (a route that asks for two scopes authenticates twice)
    decision = limiter.hit(policy, identity)
    if decision is None:
        return  # the storage does not answer: not limited
    setattr(request.state, STATE_KEY, decision)
    if not decision.allowed:
        raise RateLimited(
            f"{policy.quota} requests per {policy.window_s} s; retry in {decision.reset_after_s} s",
            decision.headers(),
        )


def limit_by_address(request: Request, limiter: RateLimiterDep) -> None:
    """The per-address limit of a keyless write (a read without a key is not limited)."""
    if request.method not in READS:
        count(request, limiter, limiter.per_address, client_address(request))


AddressLimited = Annotated[None, Depends(limit_by_address)]


class RateLimitHeaders:
    """Adds `RateLimit` and `RateLimit-Policy` to every answer of a counted request (pure ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            decision = scope.get("state", {}).get(STATE_KEY)
            if message["type"] == "http.response.start" and isinstance(decision, Decision):
                headers = MutableHeaders(scope=message)
                for name, value in decision.headers().items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
