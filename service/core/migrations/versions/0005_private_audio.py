"""Private audio: private articles and feeds, feed subscribers, the narrations' file keys indexed.

Revision ID: 0005_private_audio
Revises: 0004_sources (re-chained when main gained it)
Create Date: 2026-11-29

- `articles.private`, `feeds.private`: their files only through signed, expiring URLs.
- `feed_subscribers`: per-subscriber tokens of private feeds (kept as SHA-256), revoked one by one.
- indexes on `narrations.{audio,captions,marks,chapters}_key`: an unsigned /media request
  looks up whether its file belongs to a private article.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_private_audio"
down_revision = "0004_sources"
branch_labels = None
depends_on = None

KEY_COLUMNS = ("audio_key", "captions_key", "marks_key", "chapters_key")


def upgrade() -> None:
    for table in ("articles", "feeds"):
        op.add_column(table, sa.Column("private", sa.Boolean(), server_default=sa.text("false"), nullable=False))
    op.create_table(
        "feed_subscribers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("feed_slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["feed_slug"], ["feeds.slug"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_feed_subscribers_feed_slug", "feed_subscribers", ["feed_slug"])
    for column in KEY_COLUMNS:
        op.create_index(f"ix_narrations_{column}", "narrations", [column])


def downgrade() -> None:
    for column in KEY_COLUMNS:
        op.drop_index(f"ix_narrations_{column}", table_name="narrations")
    op.drop_index("ix_feed_subscribers_feed_slug", table_name="feed_subscribers")
    op.drop_table("feed_subscribers")
    for table in ("feeds", "articles"):
        if op.get_context().dialect.name == "sqlite":
            # SQLite (3.35+) drops a plain column in place, leaving the table as the upgrade found it;
            # a batch copy would rewrite every table definition in its own words.
            op.execute(f"ALTER TABLE {table} DROP COLUMN private")
        else:
            op.drop_column(table, "private")
