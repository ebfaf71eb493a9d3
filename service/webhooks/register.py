"""Registering a webhook endpoint: its URL checked against the target policy, and its secret.

The caller checks that its feed belongs to the project first (`service.listeners.feeds.records.check_feed_owner`:
feeds are a sibling package).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from service.core.models import WebhookEndpoint
from service.core.settings import Settings
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
