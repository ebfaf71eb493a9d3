"""Outbox and reconciliation: the `dispatches` table, a narration's progress clock, one external_id without a feed.

Revision ID: 0002_outbox
Revises: 0001
Create Date: 2026-12-01

- `dispatches`: tasks committed with the work they start and published by a
  dispatcher when the broker is reachable (service/core/outbox.py).
- `narrations.progressed_at` / `narrations.reconciles`: when a narration last
  moved and how often the reconciler re-dispatched it.
- `uq_article_external_id_no_feed`: a partial unique index, since NULL feeds
  are distinct in `uq_article_feed_external_id`. Duplicates made before it (the
  race it closes) keep their rows: all but the oldest lose their external_id.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_outbox"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dispatches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("task", sa.String(length=100), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("queue", sa.String(length=100), nullable=False),
        sa.Column("narration_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_dispatches_narration_id", "dispatches", ["narration_id"])
    op.create_index("ix_dispatches_sent_at", "dispatches", ["sent_at"])
    op.add_column("narrations", sa.Column("progressed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("narrations", sa.Column("reconciles", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE articles SET external_id = NULL WHERE feed IS NULL AND external_id IS NOT NULL"
        " AND id NOT IN (SELECT MIN(a.id) FROM articles a WHERE a.feed IS NULL AND a.external_id IS NOT NULL"
        " AND a.created_at = (SELECT MIN(b.created_at) FROM articles b"
        " WHERE b.feed IS NULL AND b.external_id = a.external_id) GROUP BY a.external_id)"
    )
    op.create_index(
        "uq_article_external_id_no_feed",
        "articles",
        ["external_id"],
        unique=True,
        sqlite_where=sa.text("feed IS NULL"),
        postgresql_where=sa.text("feed IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_article_external_id_no_feed", table_name="articles")
    op.drop_column("narrations", "reconciles")  # SQLite >= 3.35 drops a column in place
    op.drop_column("narrations", "progressed_at")
    op.drop_index("ix_dispatches_sent_at", table_name="dispatches")
    op.drop_index("ix_dispatches_narration_id", table_name="dispatches")
    op.drop_table("dispatches")
