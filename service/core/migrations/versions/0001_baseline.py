"""Baseline: the schema `create_all` made before migrations (every model's table, voice_samples included).

Revision ID: 0001
Revises:
Create Date: 2026-11-29

The tables are written out here, frozen, rather than taken from the models,
which move on with later revisions. Upgrading runs exactly the DDL that
`MetaData.create_all` runs for these tables on the database's dialect, so a
database made by this revision and one made by the release before migrations
are the same (tests/unit/test_migrations.py compares them). The one cycle,
articles.current_narration_id -> narrations, is a separate ALTER on PostgreSQL
and inline on SQLite, as `create_all` does it.

`service.core.migrations` also uses `baseline_metadata()` to adopt a database
made before migrations: it creates the tables missing there, then stamps it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def baseline_metadata() -> sa.MetaData:
    """The baseline's tables, indexes and constraints."""
    metadata = sa.MetaData()
    sa.Table(
        "articles",
        metadata,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("feed", sa.String(length=100), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("byline", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("source_kind", sa.String(length=10), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.Column("voice", sa.String(length=100), nullable=False),
        sa.Column("section_voices", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_narration_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("feed", "external_id", name="uq_article_feed_external_id"),
        sa.ForeignKeyConstraint(
            ["current_narration_id"],
            ["narrations.id"],
            name="fk_article_current_narration",
            ondelete="SET NULL",
            use_alter=True,
        ),
        sa.Index("ix_articles_feed", "feed"),
    )
    sa.Table(
        "feeds",
        metadata,
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("owner_email", sa.String(length=320), nullable=False),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("subcategory", sa.String(length=100), nullable=True),
        sa.Column("explicit", sa.Boolean(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("intro_key", sa.String(length=200), nullable=True),
        sa.Column("outro_key", sa.String(length=200), nullable=True),
        sa.Column("cover_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
    )
    sa.Table(
        "idempotency_keys",
        metadata,
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.JSON(), nullable=True),
        sa.Column("response_location", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    sa.Table(
        "lexicon_entries",
        metadata,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("alias", sa.Text(), nullable=True),
        sa.Column("ipa", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "term", name="uq_lexicon_scope_term"),
        sa.Index("ix_lexicon_entries_scope", "scope"),
    )
    sa.Table(
        "lexicon_versions",
        metadata,
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope"),
    )
    sa.Table(
        "segments",
        metadata,
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("voice", sa.String(length=100), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("audio_key", sa.String(length=200), nullable=True),
        sa.Column("timings", sa.JSON(), nullable=True),
        sa.Column("sample_rate", sa.Integer(), nullable=True),
        sa.Column("samples", sa.Integer(), nullable=True),
        sa.Column("error_code", sa.String(length=50), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("synthesized_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    sa.Table(
        "voice_samples",
        metadata,
        sa.Column("voice_id", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("audio_key", sa.String(length=200), nullable=True),
        sa.Column("error_code", sa.String(length=50), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("voice_id", "fingerprint"),
    )
    sa.Table(
        "webhook_endpoints",
        metadata,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("feed", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_webhook_endpoints_feed", "feed"),
    )
    sa.Table(
        "listen_events",
        metadata,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("narration_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.Index("ix_listen_events_article_id", "article_id"),
    )
    sa.Table(
        "narrations",
        metadata,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("voice", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("error_code", sa.String(length=50), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("bytes", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("audio_key", sa.String(length=200), nullable=True),
        sa.Column("captions_key", sa.String(length=200), nullable=True),
        sa.Column("marks_key", sa.String(length=200), nullable=True),
        sa.Column("chapters_key", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("segments_total", sa.Integer(), nullable=False),
        sa.Column("segments_cached", sa.Integer(), nullable=False),
        sa.Column("segments_synthesized", sa.Integer(), nullable=False),
        sa.Column("bypass_cache", sa.Boolean(), nullable=False),
        sa.Column("asr_review", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "version", name="uq_narration_version"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.Index("ix_narrations_article_id", "article_id"),
    )
    sa.Table(
        "segment_parts",
        metadata,
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("segment_key", sa.String(length=64), nullable=False),
        sa.Column("audio_key", sa.String(length=200), nullable=False),
        sa.Column("frame_count", sa.Integer(), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=False),
        sa.Column("lead_in", sa.Integer(), nullable=False),
        sa.Column("loudness_lufs", sa.Float(), nullable=True),
        sa.Column("true_peak_dbtp", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
        sa.ForeignKeyConstraint(["segment_key"], ["segments.key"]),
        sa.Index("ix_segment_parts_segment_key", "segment_key"),
    )
    sa.Table(
        "webhook_deliveries",
        metadata,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("endpoint_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("event_type", sa.String(length=50), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts_count", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_delivery_event"),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoints.id"], ondelete="CASCADE"),
        sa.Index("ix_webhook_deliveries_created_at", "created_at"),
        sa.Index("ix_webhook_deliveries_endpoint_id", "endpoint_id"),
    )
    sa.Table(
        "narration_reviews",
        metadata,
        sa.Column("narration_id", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("paragraphs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("narration_id"),
        sa.ForeignKeyConstraint(["narration_id"], ["narrations.id"], ondelete="CASCADE"),
    )
    sa.Table(
        "narration_segments",
        metadata,
        sa.Column("narration_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("segment_key", sa.String(length=64), nullable=False),
        sa.Column("cached", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("narration_id", "position"),
        sa.ForeignKeyConstraint(["narration_id"], ["narrations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["segment_key"], ["segments.key"]),
        sa.Index("ix_narration_segments_segment_key", "segment_key"),
    )
    sa.Table(
        "webhook_attempts",
        metadata,
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("delivery_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("delivery_id", "number", name="uq_webhook_attempt_number"),
        sa.ForeignKeyConstraint(["delivery_id"], ["webhook_deliveries.id"], ondelete="CASCADE"),
        sa.Index("ix_webhook_attempts_delivery_id", "delivery_id"),
    )
    return metadata


def _ddl(run: Callable[..., None]) -> list[Any]:
    """The statements `run` (create_all or drop_all) emits for the migration's dialect, unexecuted."""
    dialect = op.get_context().dialect
    statements: list[Any] = []
    mock = sa.create_mock_engine(f"{dialect.name}://", lambda statement, *_a, **_kw: statements.append(statement))
    run(mock, checkfirst=False)
    return statements


def upgrade() -> None:
    for statement in _ddl(baseline_metadata().create_all):
        op.execute(statement)


def downgrade() -> None:
    for statement in _ddl(baseline_metadata().drop_all):
        op.execute(statement)
