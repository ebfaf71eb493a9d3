"""When a source is polled next, and which due sources a dispatcher may start now.

After a good poll: the source's interval, or longer when the server's
`Cache-Control: max-age` asks for it. After a failed one: exponential backoff
from the interval (doubling per failure in a row, capped), with jitter so many
sources failing together (one publisher down) do not come back together, and
never sooner than the server's `Retry-After`. At most
`NARRATOR_SOURCE_HOST_CONCURRENCY` polls of one host run at once: a claimed
source holds a lease until its poll ends.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.core.models import Source

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
DUE_BATCH = 100  # sources looked at per pass


def retry_after_s(value: str | None, now: datetime) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds from `now`; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - now).total_seconds())


def max_age_s(cache_control: str | None) -> float | None:
    """`max-age` of a Cache-Control header, in seconds."""
    found = _MAX_AGE.search(cache_control or "")
    return float(found.group(1)) if found else None


def after_success(source: Source, now: datetime, cache_control: str | None, max_backoff_s: float) -> datetime:
    """The next poll after a good one: the interval, or the feed's own max-age if longer (capped)."""
    delay = float(source.interval_s)
    age = max_age_s(cache_control)
    if age is not None:
        delay = max(delay, min(age, max_backoff_s))
    return now + timedelta(seconds=delay)


def after_failure(source: Source, now: datetime, retry_after: float | None, max_backoff_s: float) -> datetime:
    """The next poll after `source.failures` failures in a row: backoff with equal jitter, at least Retry-After."""
    ceiling = min(max_backoff_s, source.interval_s * 2.0 ** max(1, source.failures))
    delay = ceiling / 2 + random.uniform(0, ceiling / 2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, max_backoff_s))
    return now + timedelta(seconds=delay)


def claim_due(session: Session, now: datetime, *, host_limit: int, lease_s: float) -> list[Source]:
    """Due, unpaused sources not being polled, leased for a poll; no host gets more than `host_limit` at once.

    The caller commits (with the dispatches of the polls). On PostgreSQL concurrent
    dispatchers skip each other's rows.
    """
    busy = Counter(
        session.scalars(select(Source.host).where(Source.lease_until.is_not(None), Source.lease_until > now)).all()
    )
    due = session.scalars(
        select(Source)
        .where(
            Source.paused.is_(False),
            Source.next_poll_at <= now,
            or_(Source.lease_until.is_(None), Source.lease_until <= now),
        )
        .order_by(Source.next_poll_at)
        .limit(DUE_BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = []
    for source in due:
        if busy[source.host] >= host_limit:
            continue
        busy[source.host] += 1
        source.lease_until = now + timedelta(seconds=lease_s)
        claimed.append(source)
    return claimed
