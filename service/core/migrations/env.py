"""Alembic's environment: the models are the target; the connection (or URL) comes from the Config.

`service.core.migrations` passes an open, locked connection in
`config.attributes["connection"]`; Alembic's own commands
(`python -m service.core.migrations ...`) pass only the URL.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, TypeDecorator

from service.core.migrations import locked_connection, target_metadata

config = context.config
url: str = config.attributes["url"]


def render_item(kind: str, item: Any, _autogen_context: AutogenContext) -> str | Literal[False]:
    """A model's own column type (UtcDateTime) is written as the SQL type it stores: revisions never import models."""
    if kind == "type" and isinstance(item, TypeDecorator):
        return f"sa.{item.impl!r}"
    return False


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by rebuilding it
        compare_type=True,
        render_item=render_item,
        transactional_ddl=True,  # SQLite too: migration_engine() puts its DDL in the transaction
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(
        url=url,
        target_metadata=target_metadata(),
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
elif "connection" in config.attributes:
    run(config.attributes["connection"])
else:
    with locked_connection(url) as connection:
        run(connection)
