"""Rate limits on the `limits` library: named policies, shared counters, and what a client is told.

Counters live in a `limits` storage: the broker's Redis in production, so
every API process counts against the same numbers, or this process's memory
in the embedded default (`Settings.rate_limit_storage_url`). Windows are fixed
and start at a client's first request (`limits`' fixed window), so a refused
client knows exactly when it may come back. A storage that does not answer
lets requests through (logged): rate limits must not take the API down with
Redis.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from service.core.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
STORAGE_TIMEOUT_S = 0.5  # a request waits at most this long for Redis before the limit is skipped
WARN_EVERY_S = 60.0  # while the storage is down, one warning a minute rather than one a request


@dataclass(frozen=True)
class Policy:
    """A named quota: `item.amount` requests per `item.get_expiry()` seconds."""

    name: str
    item: RateLimitItem

    @classmethod
    def of(cls, name: str, notation: str) -> Policy:
        """A policy from the `limits` notation ("300/minute")."""
        return cls(name, parse(notation))

    @property
    def quota(self) -> int:
        return int(self.item.amount)

    @property
    def window_s(self) -> int:
        return int(self.item.get_expiry())

    def header(self) -> str:
        """The policy as the `RateLimit-Policy` field states it (draft-ietf-httpapi-ratelimit-headers-10)."""
        return f'"{self.name}";q={self.quota};w={self.window_s}'


@dataclass(frozen=True)
class Decision:
    """One request counted against a policy: let through or not, what is left, and when the window resets."""

    policy: Policy
    allowed: bool
    remaining: int
    reset_after_s: int

    def headers(self) -> dict[str, str]:
        """`RateLimit` and `RateLimit-Policy` (IETF draft, structured fields), and `Retry-After` when refused."""
        headers = {
            "RateLimit-Policy": self.policy.header(),
            "RateLimit": f'"{self.policy.name}";r={self.remaining};t={self.reset_after_s}',
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset_after_s)
        return headers


class RateLimiter:
    """Counts requests per policy and identity (a key id, a client address) in one storage."""

    def __init__(self, storage_url: str, *, per_key: str, per_address: str, plays_per_address: str) -> None:
        options: dict[str, float] = {}
        if storage_url.startswith(("redis://", "rediss://")):
            options = {"socket_timeout": STORAGE_TIMEOUT_S, "socket_connect_timeout": STORAGE_TIMEOUT_S}
        self.storage_name = _without_credentials(storage_url)
        self.strategy = FixedWindowRateLimiter(storage_from_string(storage_url, **options))
        self.per_key = Policy.of("key", per_key)
        self.per_address = Policy.of("address", per_address)
        self.plays_per_address = Policy.of("plays", plays_per_address)
        self._warned_at = -math.inf

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        return cls(
            settings.rate_limit_storage_url,
            per_key=settings.rate_limit_per_key,
            per_address=settings.rate_limit_per_address,
            plays_per_address=settings.listen_plays_per_address,
        )

    def hit(self, policy: Policy, *identity: str) -> Decision | None:
        """Count one request of `identity` against `policy`; None when the storage does not answer."""
        return self._guarded(lambda: self._decide(policy, identity, self.strategy.hit(policy.item, *identity)))

    def peek(self, policy: Policy, *identity: str) -> Decision | None:
        """What the next `hit` would decide, without counting it; None when the storage does not answer."""
        return self._guarded(lambda: self._decide(policy, identity, self.strategy.test(policy.item, *identity)))

    def _decide(self, policy: Policy, identity: tuple[str, ...], allowed: bool) -> Decision:
        stats = self.strategy.get_window_stats(policy.item, *identity)
        reset_after = max(1, math.ceil(stats.reset_time - time.time()))
        return Decision(policy, allowed, max(0, int(stats.remaining)), min(reset_after, policy.window_s))

    def _guarded(self, count: Callable[[], T]) -> T | None:
        try:
            return count()
        except Exception as exc:  # noqa: BLE001 - any storage failure (redis' own errors): let the request through
            now = time.monotonic()
            if now - self._warned_at >= WARN_EVERY_S:
                self._warned_at = now
                log.warning("rate limit storage %s does not answer; not limiting: %r", self.storage_name, exc)
            return None


def _without_credentials(url: str) -> str:
    """The storage URL to name in a log: scheme, host and port, never a password."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}"
