"""Registering a webhook endpoint: its URL checked against the target policy, its secret, its feed's owner."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from service.core.models import WebhookEndpoint
from service.core.settings import Settings
from service.listeners.feeds.records import check_feed_owner
from service.webhooks import store
from service.webhooks.signing import check_secret, generate_secret
from service.webhooks.targets import TargetPolicy, check_webhook_url


def register_endpoint(
    session: Session,
    settings: Settings,
    *,
    url: str,
    event_types: Sequence[str],
    feed: str | None,
    description: str | None,
    secret: str | None,
    project: str,
) -> tuple[WebhookEndpoint, str]:
    """Store a new endpoint (the caller commits); it and its secret, generated when not given (shown once)."""
    checked_url = check_webhook_url(url, TargetPolicy.of(settings))
    key = check_secret(secret) if secret is not None else generate_secret()
    check_feed_owner(session, feed, project)
    endpoint = store.create_endpoint(
        session,
        url=checked_url,
        secret=key,
        event_types=event_types,
        feed=feed,
        description=description,
        project=project,
    )
    return endpoint, key
