"""Projects and their API keys (service/access)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.core.models.base import Base, UtcDateTime, new_id, utcnow


class Project(Base):
    """Who owns articles, feeds, lexicon entries, webhooks and keys; an API key sees only its project."""

    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # a slug: `narrator keys create --project P`
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ApiKey(Base):
    """An API key: only its SHA-256 is kept, with a short visible prefix to recognise it by."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(String(100), ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))  # "nk_" + the key's next 8 characters
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the whole key
    scopes: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
