"""Webhook endpoints, deliveries and attempts in the records database (plain functions).

Each function takes an open `Session`; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.core.errors import DeliveryPending, NotFound
from service.core.models import DEFAULT_PROJECT, WebhookAttempt, WebhookDelivery, WebhookEndpoint, utcnow
from service.webhooks.events import EVENT_TYPES, Event
from service.webhooks.retry import Decision, Outcome


def create_endpoint(
    session: Session,
    *,
    url: str,
    secret: str,
    event_types: Sequence[str] = EVENT_TYPES,
    feed: str | None = None,
    description: str | None = None,
    project: str = DEFAULT_PROJECT,
) -> WebhookEndpoint:
    """Store an endpoint (URL and secret already checked by the caller)."""
    endpoint = WebhookEndpoint(
        url=url,
        secret=secret,
        event_types=list(dict.fromkeys(event_types)),
        feed=feed,
        description=description,
        project_id=project,
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def list_endpoints(session: Session, project: str | None = None) -> list[WebhookEndpoint]:
    """Every endpoint (of one project), oldest first."""
    query = select(WebhookEndpoint).order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    if project is not None:
        query = query.where(WebhookEndpoint.project_id == project)
    return list(session.scalars(query))


def get_endpoint(session: Session, endpoint_id: str, project: str | None = None) -> WebhookEndpoint:
    """The endpoint with this id (in `project`, when given), or NotFound."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or (project is not None and endpoint.project_id != project):
        raise NotFound(f"No webhook with id {endpoint_id!r}")
    return endpoint


def delete_endpoint(session: Session, endpoint_id: str, project: str | None = None) -> None:
    """Remove an endpoint with its delivery log; its pending retries find nothing and stop."""
    session.delete(get_endpoint(session, endpoint_id, project))
    session.flush()


def list_deliveries(
    session: Session, endpoint_id: str, limit: int = 50, project: str | None = None
) -> list[WebhookDelivery]:
    """The endpoint's latest deliveries, newest first, with their attempts."""
    get_endpoint(session, endpoint_id, project)
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .options(selectinload(WebhookDelivery.attempts))
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def reopen_delivery(
    session: Session, endpoint_id: str, delivery_id: str, project: str | None = None
) -> WebhookDelivery:
    """Make a finished delivery pending again for one more attempt (a resend); the caller queues it.

    The event keeps its id, so a receiver that already handled it can tell the
    resend is the same event. A pending delivery is refused: its next attempt is
    already queued, and two attempts with one number would race.
    """
    get_endpoint(session, endpoint_id, project)
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint_id:
        raise NotFound(f"No delivery {delivery_id!r} of webhook {endpoint_id!r}")
    if delivery.status == "pending":
        raise DeliveryPending(f"delivery {delivery_id!r} is still pending (attempt {delivery.attempts_count + 1})")
    delivery.status = "pending"
    delivery.error = None
    delivery.finished_at = None
    delivery.next_attempt_at = utcnow()
    session.flush()
    return delivery


def subscribers(
    session: Session, event_type: str, feed: str | None, project: str = DEFAULT_PROJECT
) -> list[WebhookEndpoint]:
    """The project's endpoints that want `event_type` and either no particular feed or this one."""
    # Few endpoints per installation; filtering the JSON list in Python keeps
    # the query the same on SQLite and PostgreSQL.
    wanted_feed = WebhookEndpoint.feed.is_(None) | (WebhookEndpoint.feed == feed)
    candidates = session.scalars(select(WebhookEndpoint).where(wanted_feed, WebhookEndpoint.project_id == project))
    return [e for e in candidates if event_type in e.event_types]


def record_event(session: Session, event: Event, feed: str | None, project: str = DEFAULT_PROJECT) -> list[str]:
    """Add a pending delivery of `event` for each subscribed endpoint; the ids of the new ones.

    Idempotent: an endpoint that already has a delivery of this event id gets none.
    """
    created: list[str] = []
    body = event.body()
    for endpoint in subscribers(session, event.type, feed, project):
        exists = session.scalar(
            select(WebhookDelivery.id).where(
                WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.event_id == event.id
            )
        )
        if exists:
            continue
        delivery = WebhookDelivery(endpoint_id=endpoint.id, event_id=event.id, event_type=event.type, payload=body)
        session.add(delivery)
        session.flush()
        created.append(delivery.id)
    return created


@dataclass(frozen=True)
class DueAttempt:
    """Everything an attempt needs, read in one short transaction."""

    delivery_id: str
    number: int
    url: str
    secret: str
    event_id: str
    body: str


def due_attempt(session: Session, delivery_id: str, number: int) -> DueAttempt | None:
    """Attempt `number` of a delivery, or None when it must not be made.

    None when the delivery is gone (its endpoint was deleted), already over,
    or this attempt is already on record (a redelivered task message).
    """
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != "pending" or delivery.attempts_count >= number:
        return None
    return DueAttempt(
        delivery_id=delivery.id,
        number=number,
        url=delivery.endpoint.url,
        secret=delivery.endpoint.secret,
        event_id=delivery.event_id,
        body=delivery.payload,
    )


def record_attempt(
    session: Session,
    delivery_id: str,
    number: int,
    *,
    started_at: datetime,
    duration_ms: int,
    status_code: int | None,
    error: str | None,
    outcome: Outcome,
    decision: Decision,
) -> WebhookDelivery | None:
    """Log one attempt and move the delivery to the decided state (None if the delivery is gone)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return None
    session.add(
        WebhookAttempt(
            delivery_id=delivery_id,
            number=number,
            started_at=started_at,
            duration_ms=duration_ms,
            status_code=status_code,
            error=error[:2000] if error else None,
            outcome=outcome.value,
        )
    )
    delivery.attempts_count = max(delivery.attempts_count, number)
    delivery.status = decision.status
    delivery.error = decision.error
    if decision.status == "pending" and decision.retry_in_s is not None:
        delivery.next_attempt_at = utcnow() + timedelta(seconds=decision.retry_in_s)
    else:
        delivery.next_attempt_at = None
        delivery.finished_at = utcnow()
    session.flush()
    return delivery
