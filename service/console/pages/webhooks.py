"""Console page: webhook endpoints. Register one, read its deliveries and their attempts, resend a delivery.

Webhooks need the `webhooks:write` scope to be seen at all, as over the API
(their delivery logs hold the events' payloads); a key without it gets a page
that says so. Forms are checked with the API's `WebhookCreate` and stored
through the same plain functions as `/v1/webhooks`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import HTMLResponse, RedirectResponse, Response

from service.api.deps import QueueDep, SessionDep, SettingsDep
from service.api.routes.webhooks import WebhookCreate
from service.console.forms import PostedForm, field_errors, text_fields
from service.console.session import ConsoleRead, ConsoleUser, ConsoleWebhooksWrite
from service.console.templating import render
from service.core.errors import DeliveryPending, InvalidInput, NotFound
from service.core.models import WebhookEndpoint
from service.core.settings import Settings
from service.listeners.feeds.records import check_feed_owner, list_feeds
from service.webhooks import store
from service.webhooks.events import EVENT_TYPES
from service.webhooks.register import register_endpoint
from service.webhooks.resend import resend_delivery

router = APIRouter()

SCOPE = "webhooks:write"
DELIVERIES_SHOWN = 50


def _list(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    settings: Settings,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    allowed = user.can(SCOPE)
    project = user.principal.project_id
    return render(
        request,
        settings,
        "webhooks/list.html",
        user=user,
        session=user.session,
        title="Webhooks",
        status_code=status_code,
        allowed=allowed,
        scope=SCOPE,
        endpoints=store.list_endpoints(session, project) if allowed else [],
        feeds=list_feeds(session, project) if allowed else [],
        event_types=EVENT_TYPES,
        values=values or {"event_types": list(EVENT_TYPES)},
        errors=errors or {},
    )


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks_page(request: Request, user: ConsoleRead, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """The project's endpoints and the form to register one (with webhooks:write; else a page that says so)."""
    return _list(request, user, session, settings)


@router.post("/webhooks", response_class=HTMLResponse)
def register(
    request: Request, user: ConsoleWebhooksWrite, session: SessionDep, settings: SettingsDep, form: PostedForm
) -> Response:
    """Register an endpoint; its page with the secret shown this once, or the form again with what to fix."""
    fields = text_fields(form, "url", "feed", "description")
    data: dict[str, Any] = {
        "url": fields.get("url", ""),
        "event_types": [v for v in form.getlist("event_types") if isinstance(v, str)],
        "feed": fields.get("feed"),
        "description": fields.get("description"),
    }
    try:
        body = WebhookCreate.model_validate(data)
        check_feed_owner(session, body.feed, user.principal.project_id)
        endpoint, secret = register_endpoint(
            session,
            settings,
            url=body.url,
            event_types=body.event_types,
            feed=body.feed,
            description=body.description,
            secret=None,
            project=user.principal.project_id,
        )
    except ValidationError as exc:
        return _list(request, user, session, settings, values=data, errors=field_errors(exc), status_code=422)
    except (InvalidInput, NotFound) as exc:  # the URL's target, the feed
        field = "feed" if isinstance(exc, NotFound) else "url"
        return _list(request, user, session, settings, values=data, errors={field: exc.message}, status_code=422)
    session.commit()
    return _endpoint_page(request, user, session, settings, endpoint, secret=secret, status_code=201)


def _endpoint_page(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    settings: Settings,
    endpoint: WebhookEndpoint,
    *,
    secret: str | None = None,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    deliveries = store.list_deliveries(session, endpoint.id, DELIVERIES_SHOWN, user.principal.project_id)
    return render(
        request,
        settings,
        "webhooks/detail.html",
        user=user,
        session=user.session,
        title=f"Webhook: {endpoint.url}",
        status_code=status_code,
        endpoint=endpoint,
        deliveries=deliveries,
        # The body exactly as signed and sent, indented to be read.
        payloads={d.id: json.dumps(json.loads(d.payload), indent=2, ensure_ascii=False) for d in deliveries},
        secret=secret,
        notice=notice,
        error=error,
    )


@router.get("/webhooks/{webhook_id}", response_class=HTMLResponse)
def endpoint_page(
    webhook_id: str, request: Request, user: ConsoleWebhooksWrite, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """One endpoint: what it receives, its latest deliveries with every attempt, a resend button on each."""
    endpoint = store.get_endpoint(session, webhook_id, user.principal.project_id)
    resent = request.query_params.get("resent")
    notice = f"Delivery {resent} resent: its next attempt is queued." if resent else None
    return _endpoint_page(request, user, session, settings, endpoint, notice=notice)


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/resend", response_class=HTMLResponse)
def resend(
    webhook_id: str,
    delivery_id: str,
    request: Request,
    user: ConsoleWebhooksWrite,
    session: SessionDep,
    settings: SettingsDep,
    queue: QueueDep,
) -> Response:
    """Send a finished delivery again (the API's resend); back to the endpoint's page."""
    try:
        resend_delivery(session, queue, webhook_id, delivery_id, user.principal.project_id)
    except DeliveryPending as exc:
        session.rollback()
        endpoint = store.get_endpoint(session, webhook_id, user.principal.project_id)
        return _endpoint_page(request, user, session, settings, endpoint, error=exc.message, status_code=409)
    return RedirectResponse(f"/console/webhooks/{webhook_id}?resent={delivery_id}", status_code=303)


@router.post("/webhooks/{webhook_id}/delete")
def delete(webhook_id: str, user: ConsoleWebhooksWrite, session: SessionDep) -> RedirectResponse:
    """Remove the endpoint and its delivery log."""
    store.delete_endpoint(session, webhook_id, user.principal.project_id)
    session.commit()
    return RedirectResponse("/console/webhooks", status_code=303)
