"""Rate limits on the `limits` library: named policies, shared counters, and what a client is told.

Counters live in a `limits` storage: the broker's Redis in production, so
every API process counts against the same numbers, or this process's memory
in the embedded default (`Settings.rate_limit_storage_url`). Windows are fixed
and start at a client's first request (`limits`' fixed window), so a refused
client knows exactly when it may come back. A storage that does not answer
lets requests through (logged): rate limits must not take the API down with
Redis. On Redis a request costs one round trip: one script counts it and
answers the window's time left (`limits`' strategy would make three: count,
read the count back, read the expiry), on the same keys and with the same
window rule as `limits`' fixed window.
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
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from service.core.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
STORAGE_TIMEOUT_S = 0.5  # a request waits at most this long for Redis before the limit is skipped
WARN_EVERY_S = 60.0  # while the storage is down, one warning a minute rather than one a request

# `limits`' fixed window (its incr_expire.lua: the expiry is set by a window's first hit), then the time left.
HIT_SCRIPT = b"""
local amount = tonumber(ARGV[2])
local current = redis.call("incrby", KEYS[1], amount)
if tonumber(current) == amount then
    redis.call("expire", KEYS[1], ARGV[1])
end
return {current, redis.call("ttl", KEYS[1])}
"""
PEEK_SCRIPT = b"""
return {tonumber(redis.call("get", KEYS[1]) or "0"), redis.call("ttl", KEYS[1])}
"""


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


class RedisScripts:
    """A hit or a peek on Redis in one round trip (one script each), with `limits`' keys and window rule."""

    def __init__(self, storage: RedisStorage) -> None:
        self.storage = storage
        connection = storage.get_connection()
        self.hit = connection.register_script(HIT_SCRIPT)
        self.peek = connection.register_script(PEEK_SCRIPT)

    def decide(self, policy: Policy, identity: tuple[str, ...], *, counted: bool) -> Decision:
        """Count this request (`counted`) or only look: the count and the window's time left, in one call."""
        key = self.storage.prefixed_key(policy.item.key_for(*identity))
        answer = self.hit(keys=[key], args=[policy.window_s, 1]) if counted else self.peek(keys=[key])
        count, ttl = (int(value) for value in answer)
        # As `limits` decides: a hit is allowed up to the quota, a peek while one more would be.
        allowed = count <= policy.quota if counted else count < policy.quota
        reset_after = max(1, ttl)  # -2: no window yet (a peek), read as `limits` does: one second
        return Decision(policy, allowed, max(0, policy.quota - count), min(reset_after, policy.window_s))


class RateLimiter:
    """Counts requests per policy and identity (a key id, a client address) in one storage."""

    def __init__(self, storage_url: str, *, per_key: str, per_address: str, plays_per_address: str) -> None:
        options: dict[str, float] = {}
        if storage_url.startswith(("redis://", "rediss://")):
            options = {"socket_timeout": STORAGE_TIMEOUT_S, "socket_connect_timeout": STORAGE_TIMEOUT_S}
        self.storage_name = _without_credentials(storage_url)
        self.storage = storage_from_string(storage_url, **options)
        self.strategy = FixedWindowRateLimiter(self.storage)
        self._redis: RedisScripts | None = None
        if isinstance(self.storage, RedisStorage):
            self._redis = RedisScripts(self.storage)
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
        if (redis := self._redis) is not None:
            return self._guarded(lambda: redis.decide(policy, identity, counted=True))
        return self._guarded(lambda: self._decide(policy, identity, self.strategy.hit(policy.item, *identity)))

    def peek(self, policy: Policy, *identity: str) -> Decision | None:
        """What the next `hit` would decide, without counting it; None when the storage does not answer."""
        if (redis := self._redis) is not None:
            return self._guarded(lambda: redis.decide(policy, identity, counted=False))
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
