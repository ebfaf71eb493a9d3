"""Resending a webhook delivery by hand: one more attempt of the same event, queued through the outbox."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from service.core import outbox
from service.core.models import WebhookDelivery
from service.core.queue import DEFAULT_QUEUE, WEBHOOK_DELIVERY_TASK
from service.webhooks import store

log = logging.getLogger(__name__)


def resend_delivery(
    session: Session, publisher: outbox.Publisher, endpoint_id: str, delivery_id: str, project: str | None = None
) -> WebhookDelivery:
    """Reopen a finished delivery and queue its next attempt; commits.

    The attempt is committed in the outbox with the reopened delivery, then
    published at once if the broker answers (else the workers' dispatcher
    publishes it), so a resend is never lost. If that attempt gets a retryable
    answer, it is retried while the delivery has attempts left
    (`NARRATOR_WEBHOOK_MAX_ATTEMPTS` counts every attempt, resent ones too).
    """
    delivery = store.reopen_delivery(session, endpoint_id, delivery_id, project)
    row = outbox.add(session, WEBHOOK_DELIVERY_TASK, [delivery.id, delivery.attempts_count + 1], DEFAULT_QUEUE)
    session.commit()
    try:
        outbox.publish_pending(session, publisher, ids=[row.id])
    except Exception:  # best effort: the dispatch is committed and stays pending
        session.rollback()
        log.warning("webhook delivery %s: resend left in the outbox", delivery.id, exc_info=True)
    session.refresh(delivery)
    return delivery
