"""Narration formats: the formats an article is published in, and each narration's files in them.

Revision ID: 0006_narration_formats
Revises: 0005_private_audio
Create Date: 2026-11-29

- `articles.formats`: the formats its narrations are made in (JSON list; MP3 always).
- `sources.formats`: the formats a source's articles get (null: the setting).
- `narration_files`: a finished narration's Opus and AAC files (key indexed: an unsigned
  /media request looks up whether its file belongs to a private article).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_narration_formats"
down_revision = "0005_private_audio"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("formats", sa.JSON(), server_default=sa.text("'[\"mp3\"]'"), nullable=False))
    op.add_column("sources", sa.Column("formats", sa.JSON(), nullable=True))
    op.create_table(
        "narration_files",
        sa.Column("narration_id", sa.String(length=32), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["narration_id"], ["narrations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("narration_id", "format"),
    )
    op.create_index("ix_narration_files_key", "narration_files", ["key"])


def downgrade() -> None:
    op.drop_index("ix_narration_files_key", table_name="narration_files")
    op.drop_table("narration_files")
    for table in ("sources", "articles"):
        if op.get_context().dialect.name == "sqlite":
            # As 0005: SQLite (3.35+) drops a plain column in place; a batch copy would rewrite the table.
            op.execute(f"ALTER TABLE {table} DROP COLUMN formats")
        else:
            op.drop_column(table, "formats")
