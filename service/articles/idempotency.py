"""Idempotency-Key handling for POSTs (draft-ietf-httpapi-idempotency-key-header).

The first request with a key is recorded as in progress, then its response is
stored; a retry with the same key and the same body gets that response again,
a retry with a different body is an error (422), and a retry while the first
is still being handled is a conflict (409).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.core.errors import IdempotencyInProgress, IdempotencyKeyReused
from service.core.models import IdempotencyRecord


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]
    location: str | None


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """A stable hash of what the request asks for (JSON key order does not matter)."""
    canonical = json.dumps({"m": method, "p": path, "b": body}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def begin(session: Session, key: str, fingerprint: str) -> StoredResponse | None:
    """Claim `key` for this request; returns the stored response when it was already answered."""
    try:
        session.add(IdempotencyRecord(key=key, request_hash=fingerprint, status="in_progress"))
        session.commit()
        return None
    except IntegrityError:
        session.rollback()
    record = session.get(IdempotencyRecord, key)
    assert record is not None
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused(f"Idempotency-Key {key!r} was first used with a different body")
    if record.status != "done" or record.response_status is None:
        raise IdempotencyInProgress(f"The first request with Idempotency-Key {key!r} has not finished yet")
    return StoredResponse(record.response_status, record.response_body or {}, record.response_location)


def finish(session: Session, key: str, status: int, body: dict[str, Any], location: str | None) -> None:
    """Store the response given to the first request with `key`."""
    record = session.get(IdempotencyRecord, key)
    if record is not None:
        record.status = "done"
        record.response_status, record.response_body, record.response_location = status, body, location
        session.commit()


def abandon(session: Session, key: str) -> None:
    """Forget a key whose first request failed, so that a retry is handled afresh."""
    session.rollback()
    record = session.get(IdempotencyRecord, key)
    if record is not None and record.status != "done":
        session.delete(record)
        session.commit()
