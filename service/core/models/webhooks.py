"""Webhook endpoints, the deliveries of events to them, and each delivery's attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core.models.base import DEFAULT_PROJECT, Base, UtcDateTime, new_id, utcnow


class WebhookEndpoint(Base):
    """A URL that receives signed events (Standard Webhooks), optionally only some types or one feed."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    url: Mapped[str] = mapped_column(Text)
    # Kept in the clear: signing needs the key itself, not a hash of it.
    secret: Mapped[str] = mapped_column(String(200))
    event_types: Mapped[list[Any]] = mapped_column(JSON)
    feed: Mapped[str | None] = mapped_column(String(100), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Added by revision 0003, so last (SQLite adds columns at the end): the owner, see service/access.
    project_id: Mapped[str] = mapped_column(
        String(100),
        ForeignKey("projects.id", name="fk_webhook_endpoints_project_id"),
        default=DEFAULT_PROJECT,
        server_default=DEFAULT_PROJECT,
        index=True,
    )

    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="endpoint", cascade="all, delete-orphan", passive_deletes=True
    )


class WebhookDelivery(Base):
    """One event on its way to one endpoint: the exact body sent, its state and its attempts."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_delivery_event"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    endpoint_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[str] = mapped_column(String(100))  # the webhook-id header, the same on every attempt
    event_type: Mapped[str] = mapped_column(String(50))
    payload: Mapped[str] = mapped_column(Text)  # the body exactly as signed and sent
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | succeeded | failed
    attempts_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    error: Mapped[str | None] = mapped_column(Text)  # why a failed delivery stopped
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    endpoint: Mapped[WebhookEndpoint] = relationship(back_populates="deliveries")
    attempts: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", passive_deletes=True, order_by="WebhookAttempt.number"
    )


class WebhookAttempt(Base):
    """One HTTP attempt of a delivery: when, how long, and the status code or the error."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "number", name="uq_webhook_attempt_number"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    delivery_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # 1-based
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(10))  # succeeded | retryable | final

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempts")
