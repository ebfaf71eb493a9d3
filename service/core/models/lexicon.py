"""Pronunciation lexicon entries and the version counter their changes bump."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.core.models.base import DEFAULT_PROJECT, Base, UtcDateTime, new_id, utcnow


class LexiconEntry(Base):
    """A pronunciation: a word or phrase said as an alias text or as IPA phonemes; global or per feed."""

    __tablename__ = "lexicon_entries"
    __table_args__ = (UniqueConstraint("scope", "term", name="uq_lexicon_scope_term"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scope: Mapped[str] = mapped_column(String(100), index=True)  # "*" = every feed, else a feed slug
    term: Mapped[str] = mapped_column(String(200))
    alias: Mapped[str | None] = mapped_column(Text)
    ipa: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)  # the scope's lexicon version when last changed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    # Added by revision 0003, so last (SQLite adds columns at the end): the owner, see service/access.
    project_id: Mapped[str] = mapped_column(
        String(100),
        ForeignKey("projects.id", name="fk_lexicon_entries_project_id"),
        default=DEFAULT_PROJECT,
        server_default=DEFAULT_PROJECT,
        index=True,
    )


class LexiconVersion(Base):
    """A counter per lexicon scope, bumped by every change (entries record the version they came in)."""

    __tablename__ = "lexicon_versions"

    scope: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
