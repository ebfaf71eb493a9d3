"""Segments used without a narration: when direct synthesis last handed one to a stream.

Revision ID: 0007_segment_used_at
Revises: 0006_narration_formats
Create Date: 2026-11-29

- `segments.used_at`: set when a `/v1/audio/speech` request (or the console's pronunciation
  preview) reuses a cached segment; garbage collection leaves a segment used within its
  grace period, as it leaves one made within it (service/articles/retention/).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_segment_used_at"
down_revision = "0006_narration_formats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("segments", sa.Column("used_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        # As 0005: SQLite (3.35+) drops a plain column in place; a batch copy would rewrite the table.
        op.execute("ALTER TABLE segments DROP COLUMN used_at")
    else:
        op.drop_column("segments", "used_at")
