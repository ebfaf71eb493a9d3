"""When a delivery attempt counts as done, worth retrying or final, and how long to wait.

Retryable: no response at all (DNS, connection, timeout), 5xx, 408 and 429.
Final: any other non-2xx (4xx, and 3xx since redirects are not followed: a
redirect could lead to an address the target checks never saw).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum


class Outcome(StrEnum):
    """How one attempt ended."""

    SUCCEEDED = "succeeded"
    RETRYABLE = "retryable"
    FINAL = "final"


RETRYABLE_4XX = frozenset({408, 429})


def classify(status_code: int | None) -> Outcome:
    """The outcome of an attempt that got `status_code` (None: no response at all)."""
    if status_code is None:
        return Outcome.RETRYABLE
    if 200 <= status_code < 300:
        return Outcome.SUCCEEDED
    if status_code >= 500 or status_code in RETRYABLE_4XX:
        return Outcome.RETRYABLE
    return Outcome.FINAL


def backoff_ceiling(failed_attempts: int, base_s: float, max_s: float) -> float:
    """The longest wait after `failed_attempts` failures: base * 2^(n-1), capped at max."""
    exponent = min(max(failed_attempts - 1, 0), 60)  # 2**60 s is far past any cap
    return min(max_s, base_s * 2.0**exponent)


def backoff_delay(
    failed_attempts: int, base_s: float, max_s: float, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before the next attempt: "equal jitter" between half the ceiling and the ceiling.

    Jitter spreads the retries of many deliveries that failed together (an
    endpoint that was down) instead of sending them back at the same instant;
    keeping half of the ceiling keeps the schedule exponential.
    """
    ceiling = backoff_ceiling(failed_attempts, base_s, max_s)
    return ceiling / 2 + rand() * ceiling / 2


def longest_retry_period_s(max_attempts: int, base_s: float, max_s: float) -> float:
    """The most time all waits of one delivery can add up to (its bound, not counting request time)."""
    return sum(backoff_ceiling(n, base_s, max_s) for n in range(1, max_attempts))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class Decision:
    """What happens to a delivery after an attempt: its new status, the wait before the next, why it stopped."""

    status: str  # pending | succeeded | failed
    retry_in_s: float | None = None
    error: str | None = None


def decide(
    outcome: Outcome,
    attempt: int,
    *,
    max_attempts: int,
    base_s: float,
    max_s: float,
    retry_after_s: float | None = None,
    rand: Callable[[], float] = random.random,
) -> Decision:
    """The delivery's next step after attempt number `attempt` (1-based) ended with `outcome`."""
    if outcome is Outcome.SUCCEEDED:
        return Decision("succeeded")
    if outcome is Outcome.FINAL:
        return Decision("failed", error="the endpoint's answer is final; not retried")
    if attempt >= max_attempts:
        return Decision("failed", error=f"gave up after {attempt} attempts")
    delay = backoff_delay(attempt, base_s, max_s, rand)
    if retry_after_s is not None:
        # Honour a longer Retry-After, but never past the cap (see settings).
        delay = max(delay, min(retry_after_s, max_s))
    return Decision("pending", retry_in_s=delay)
