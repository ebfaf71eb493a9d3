"""/v1/webhooks: endpoints that receive signed narration events, and their delivery logs."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Query, Response
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from service.api.auth import WebhooksWrite
from service.api.deps import QueueDep, SessionDep, SettingsDep
from service.api.schemas import RequestBody
from service.listeners.feeds.records import check_feed_owner
from service.webhooks import store
from service.webhooks.events import EVENT_TYPES, as_utc
from service.webhooks.register import register_endpoint
from service.webhooks.resend import resend_delivery

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

EventType = Literal["narration.completed", "narration.failed"]  # = events.EVENT_TYPES (a test holds them equal)


class WebhookCreate(RequestBody):
    """POST /v1/webhooks: where to send which events; `secret` is generated when not given."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2000)
    event_types: list[EventType] = Field(default_factory=lambda: cast(list[EventType], list(EVENT_TYPES)), min_length=1)
    feed: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")
    description: str | None = Field(default=None, max_length=500)
    secret: str | None = Field(default=None, max_length=200)


# Read from the ORM rows by attribute; SQLite gives naive datetimes back, which are UTC.
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]


class WebhookOut(BaseModel):
    """An endpoint as listed: never its secret."""

    model_config = ConfigDict(from_attributes=True)
    id: str
    url: str
    event_types: list[str]
    feed: str | None
    description: str | None
    created_at: UtcDatetime


class WebhookCreated(WebhookOut):
    """The answer to POST: the only time the secret is shown."""

    secret: str


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    number: int
    at: UtcDatetime = Field(validation_alias="started_at")
    duration_ms: int
    status_code: int | None
    error: str | None
    outcome: str


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    event_id: str
    event_type: str
    status: str
    error: str | None
    attempts: list[AttemptOut]
    next_attempt_at: UtcDatetime | None
    created_at: UtcDatetime
    finished_at: UtcDatetime | None
    payload: Annotated[dict[str, Any], BeforeValidator(json.loads)]  # stored as the JSON text that was sent


@router.post("", status_code=201, response_model=WebhookCreated)
def create_webhook(
    body: WebhookCreate,
    principal: WebhooksWrite,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> WebhookCreated:
    """Register an endpoint; 201 with its secret (shown this once) and its URL in Location."""
    check_feed_owner(session, body.feed, principal.project_id)
    endpoint, secret = register_endpoint(
        session,
        settings,
        url=body.url,
        event_types=body.event_types,
        feed=body.feed,
        description=body.description,
        secret=body.secret,
        project=principal.project_id,
    )
    session.commit()
    response.headers["Location"] = f"/v1/webhooks/{endpoint.id}"
    return WebhookCreated(**WebhookOut.model_validate(endpoint).model_dump(), secret=secret)


@router.get("", response_model=list[WebhookOut])
def list_webhooks(session: SessionDep, principal: WebhooksWrite) -> list[WebhookOut]:
    """Every endpoint, oldest first."""
    return [WebhookOut.model_validate(e) for e in store.list_endpoints(session, principal.project_id)]


@router.get("/{webhook_id}", response_model=WebhookOut)
def get_webhook(webhook_id: str, session: SessionDep, principal: WebhooksWrite) -> WebhookOut:
    """One endpoint."""
    return WebhookOut.model_validate(store.get_endpoint(session, webhook_id, principal.project_id))


@router.delete("/{webhook_id}", status_code=204, response_class=Response)
def delete_webhook(webhook_id: str, session: SessionDep, principal: WebhooksWrite) -> Response:
    """Remove an endpoint and its delivery log; nothing more is sent to it."""
    store.delete_endpoint(session, webhook_id, principal.project_id)
    session.commit()
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", response_model=list[DeliveryOut])
def list_deliveries(
    webhook_id: str,
    principal: WebhooksWrite,
    session: SessionDep,
    limit: int = Query(default=50, ge=1, le=200),
) -> list[DeliveryOut]:
    """The endpoint's latest deliveries, newest first: each attempt's time, status or error, duration."""
    return [
        DeliveryOut.model_validate(d) for d in store.list_deliveries(session, webhook_id, limit, principal.project_id)
    ]


@router.post("/{webhook_id}/deliveries/{delivery_id}/resend", status_code=202, response_model=DeliveryOut)
def resend(
    webhook_id: str, delivery_id: str, principal: WebhooksWrite, session: SessionDep, queue: QueueDep
) -> DeliveryOut:
    """Send a finished delivery again (same event id, one more attempt); 202, or 409 while it is still pending."""
    delivery = resend_delivery(session, queue, webhook_id, delivery_id, principal.project_id)
    return DeliveryOut.model_validate(delivery)
