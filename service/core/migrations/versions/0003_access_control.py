"""Access control: projects and API keys; the default project every existing row belongs to.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-30

Named 0003 because the reliability work adds 0002 (the outbox) in parallel;
whoever merges second re-chains `down_revision` onto the other.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None

DEFAULT_PROJECT = "default"
OWNED_TABLES = ("articles", "feeds", "lexicon_entries", "webhook_endpoints")


def _offline_copy(table: str) -> sa.Table | None:
    """`narrator migrate --sql` cannot reflect a SQLite table to rebuild it: it is the baseline's, as frozen there."""
    if not context.is_offline_mode():
        return None
    from service.core.migrations import baseline_metadata

    return baseline_metadata().tables[table]


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(
        sa.text("INSERT INTO projects (id, created_at) VALUES (:id, CURRENT_TIMESTAMP)").bindparams(id=DEFAULT_PROJECT)
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("project_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_index("ix_api_keys_project_id", "api_keys", ["project_id"])
    # An external_id without a feed is unique per project: the index is made again with the project.
    op.drop_index("uq_article_external_id_no_feed", table_name="articles")
    # Every existing article, feed, lexicon entry and webhook belongs to the default project.
    for table in OWNED_TABLES:
        with op.batch_alter_table(table, copy_from=_offline_copy(table)) as batch:
            batch.add_column(
                sa.Column("project_id", sa.String(length=100), server_default=DEFAULT_PROJECT, nullable=False)
            )
            batch.create_foreign_key(f"fk_{table}_project_id", "projects", ["project_id"], ["id"])
            batch.create_index(f"ix_{table}_project_id", ["project_id"])
    _external_id_index(["project_id", "external_id"])


def _external_id_index(columns: list[str]) -> None:
    op.create_index(
        "uq_article_external_id_no_feed",
        "articles",
        columns,
        unique=True,
        sqlite_where=sa.text("feed IS NULL"),
        postgresql_where=sa.text("feed IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_article_external_id_no_feed", table_name="articles")
    for table in OWNED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_project_id")
            batch.drop_constraint(f"fk_{table}_project_id", type_="foreignkey")
            batch.drop_column("project_id")
    _external_id_index(["external_id"])
    op.drop_index("ix_api_keys_project_id", table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_table("projects")
