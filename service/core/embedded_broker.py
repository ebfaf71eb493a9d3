"""The embedded broker: kombu's SQLAlchemy transport, polling its table often.

With prefetch 1 and late acks a worker takes its next message only after it
acknowledged the last one, and the virtual transport then sleeps
`polling_interval` (kombu's default: 1 s) before it looks again: about one task
a second. The transport hands every transport option to `create_engine()`, so
the interval cannot be set as an option; this subclass sets it, and
`make_celery` names it in the broker URL (`narrator-sqla+sqlite:///...`).
An idle worker then runs a small indexed SELECT per queue every 20 ms.
"""

from __future__ import annotations

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.sqlalchemy import Transport as SQLAlchemyTransport

ALIAS = "narrator-sqla"
POLLING_INTERVAL_S = 0.02


class Transport(SQLAlchemyTransport):
    polling_interval = POLLING_INTERVAL_S


def register() -> None:
    """Make `narrator-sqla+<sqlalchemy url>` broker URLs use this transport."""
    TRANSPORT_ALIASES.setdefault(ALIAS, f"{__name__}:Transport")


def broker_url(url: str) -> str:
    """The embedded broker URL with this transport (sqla+sqlite:///x -> narrator-sqla+sqlite:///x)."""
    register()
    return f"{ALIAS}+{url.split('+', 1)[1]}" if url.startswith("sqla+") else url
