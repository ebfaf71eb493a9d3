"""The events webhooks carry and their envelope: {"type", "timestamp", "data"}."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

NARRATION_COMPLETED = "narration.completed"
NARRATION_FAILED = "narration.failed"
EVENT_TYPES: tuple[str, ...] = (NARRATION_COMPLETED, NARRATION_FAILED)

_BY_STATUS = {"done": NARRATION_COMPLETED, "failed": NARRATION_FAILED}


@dataclass(frozen=True)
class Event:
    """One event: `id` is the webhook-id every endpoint and every attempt receives for it."""

    id: str
    type: str
    timestamp: datetime
    data: dict[str, Any]

    def body(self) -> str:
        """The JSON body, serialized once: retries must send (and sign) exactly the same bytes."""
        envelope = {"type": self.type, "timestamp": iso8601(self.timestamp), "data": self.data}
        return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime (SQLite gives those back) is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso8601(moment: datetime) -> str:
    """UTC ISO 8601 with a Z."""
    return as_utc(moment).isoformat().replace("+00:00", "Z")


def narration_event_type(status: str) -> str | None:
    """The event a narration in `status` announces (None while it is not finished)."""
    return _BY_STATUS.get(status)


def narration_event_id(event_type: str, narration_id: str) -> str:
    """A stable id, so announcing the same finished narration twice makes no second delivery."""
    return f"msg_{narration_id}_{event_type.rsplit('.', 1)[-1]}"
