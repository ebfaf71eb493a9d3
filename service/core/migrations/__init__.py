"""Schema migrations (Alembic), with the models as the source.

The scripts live in this package (`env.py`, `versions/`) and ship with it, so
`narrator migrate` works from an installed wheel or the Docker image; Alembic
is configured here, with no alembic.ini.

- `upgrade(url)` brings a database to the newest revision, in one transaction
  under a lock (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE), so
  concurrent starts migrate once. A database made by a release before
  migrations (`create_all`, no `alembic_version` table) is adopted first: the
  baseline tables it lacks are created, as that release's next start would
  have done, and it is stamped at the baseline; one missing a baseline column
  is refused rather than stamped.
- `ensure_schema(url)` runs at every process start (`engine_for`): the
  embedded default (SQLite) migrates itself; any other database must already
  be at the newest revision (`narrator migrate` runs before the API and the
  workers start), else the start fails naming the command.

A new revision, after changing the models (SQLite, from a scratch database):

    NARRATOR_DATABASE_URL=sqlite:////tmp/dev.db python -m service.core.migrations upgrade head
    NARRATOR_DATABASE_URL=sqlite:////tmp/dev.db python -m service.core.migrations revision --autogenerate -m "..."

then read and edit what it wrote in `versions/` (tests/unit/test_migrations.py
fails until models and revisions agree).
"""

from __future__ import annotations

import logging
import sqlite3
import time

# Alembic logs each of its plugins as it is imported, and its context at every
# command, at INFO: noise at every process start. `upgrade` logs what changed.
logging.getLogger("alembic").setLevel(logging.WARNING)

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from io import StringIO
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, inspect, make_url, text
from sqlalchemy.pool import NullPool

from service.core.errors import NarratorError

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
BASELINE = "0001"  # the schema `create_all` made before migrations existed
VERSION_TABLE = "alembic_version"
# pg_advisory_xact_lock key: one migration at a time per PostgreSQL database ("narr").
POSTGRES_LOCK_KEY = 0x6E617272
SQLITE_BUSY_TIMEOUT_S = 30


class SchemaError(NarratorError):
    """The database's schema is not what this release needs (or cannot be adopted)."""

    code, title = "schema_not_current", "The database schema is not current"


@dataclass(frozen=True)
class Migrated:
    """What `upgrade` did: the revision before (None: none), the revision after, whether it adopted."""

    before: str | None
    after: str | None
    adopted: bool = False


def target_metadata() -> MetaData:
    """The models' metadata: every table is in service/core/models/ (importing the package registers them)."""
    from service.core.models import Base

    return Base.metadata


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    """An Alembic Config for `url` (or an open `connection`), pointing at this package's scripts."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    # In attributes, not in the options: a URL's password may hold a '%' (ConfigParser interpolation).
    config.attributes["url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def scripts() -> ScriptDirectory:
    """The revisions shipped with this package (read once per process)."""
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def head() -> str:
    """The newest revision."""
    revision = scripts().get_current_head()
    assert revision is not None
    return revision


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def migration_engine(url: str) -> Engine:
    """An engine for migrating: SQLite with real transactions around DDL and foreign keys off.

    Python's sqlite3 opens transactions only before INSERT/UPDATE/DELETE, so
    DDL would commit statement by statement; with its handling off and BEGIN
    IMMEDIATE on begin, a migration is one transaction holding the write lock.
    Foreign keys are off while tables are rebuilt (batch mode) and checked
    before the commit.
    """
    if not _is_sqlite(url):
        return create_engine(url, poolclass=NullPool)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None
        for pragma in (f"busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}", "foreign_keys=OFF"):
            dbapi_conn.execute(f"PRAGMA {pragma}")
        # Switching a new file to WAL needs the lock another starting process may hold in BEGIN IMMEDIATE,
        # and SQLite answers "locked" at once there instead of waiting: wait for it here.
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
        while True:
            try:
                dbapi_conn.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def locked_connection(url: str) -> Iterator[Connection]:
    """A connection in a transaction that only one migrator at a time holds; committed on success."""
    engine = migration_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_LOCK_KEY})
            yield connection
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise SchemaError(f"the migration left rows breaking foreign keys: {broken[:5]}")
    finally:
        engine.dispose()


@contextmanager
def reading(url: str) -> Iterator[Connection]:
    """A plain connection to look at the database (no lock, no write transaction)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def current_revision(connection: Connection) -> str | None:
    """The database's revision; None when it has none (empty, or made before migrations)."""
    return MigrationContext.configure(connection).get_current_revision()


def baseline_metadata() -> MetaData:
    """The baseline revision's own copy of the schema (frozen; the models move on)."""
    script = scripts().get_revision(BASELINE)
    assert script is not None
    metadata: MetaData = script.module.baseline_metadata()
    return metadata


def _adopt(connection: Connection, config: Config) -> bool:
    """Stamp a database made by `create_all` before migrations at the baseline; False if it is not one."""
    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    if not present or VERSION_TABLE in present:
        return False
    baseline = baseline_metadata()
    if not present & set(baseline.tables):
        return False
    missing = {
        name: sorted(set(table.columns.keys()) - {column["name"] for column in inspector.get_columns(name)})
        for name, table in baseline.tables.items()
        if name in present
    }
    missing = {name: columns for name, columns in missing.items() if columns}
    if missing:
        raise SchemaError(
            f"the database has narrator's tables but not the baseline's columns {missing}: "
            "it predates the baseline and cannot be stamped; upgrade it with the release that made it first"
        )
    # What that release's create_all would have made at its next start: tables it had not created yet.
    baseline.create_all(connection, checkfirst=True)
    command.stamp(config, BASELINE)
    log.info("adopted a database made before migrations: stamped at the baseline %s", BASELINE)
    return True


def upgrade(url: str, revision: str = "head") -> Migrated:
    """Migrate the database at `url` to `revision`, adopting a database made before migrations."""
    with locked_connection(url) as connection:
        before = current_revision(connection)
        config = alembic_config(url, connection)
        adopted = before is None and _adopt(connection, config)
        command.upgrade(config, revision)
        after = current_revision(connection)
    if after != before:
        log.info("database migrated from %s to %s", before or "nothing", after)
    return Migrated(before, after, adopted)


def downgrade(url: str, revision: str) -> None:
    """Migrate the database at `url` down to `revision` ("base": nothing left)."""
    with locked_connection(url) as connection:
        command.downgrade(alembic_config(url, connection), revision)


def upgrade_sql(url: str) -> str:
    """The SQL `upgrade` would run on the database at `url` (read, not changed), for review."""
    with reading(url) as connection:
        before = current_revision(connection)
        present = set(inspect(connection).get_table_names())
    start = before or (BASELINE if present & set(baseline_metadata().tables) else None)
    if before is not None and before == head():
        return f"-- the database is at {before}, the newest revision: nothing to run\n"
    out = StringIO()
    config = alembic_config(url)
    config.output_buffer = out
    if start is not None and before is None:
        out.write(f"-- made before migrations: `narrator migrate` stamps it at {BASELINE} first\n")
    command.upgrade(config, f"{start}:head" if start else "head", sql=True)
    return out.getvalue()


def drift(connection: Connection) -> list[Any]:
    """What autogenerate finds between the models and the database (empty: none), as `alembic check` does."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, target_metadata()))


def describe(difference: Any) -> str:
    """One line for one autogenerate difference (a tuple, or a list of column changes)."""
    if isinstance(difference, list):
        return "; ".join(describe(change) for change in difference)
    op, *args = difference
    if op.startswith("modify_"):  # (op, schema, table, column, info, old, new)
        return f"{op} {args[1]}.{args[2]}: {args[4]!r} -> {args[5]!r}"
    if op.endswith("_column"):  # (op, schema, table, column)
        return f"{op} {args[1]}.{args[2].name}"
    item = args[0]
    table = getattr(item, "table", None)
    if table is None and getattr(item, "parent", None) is not None:
        table = item.parent
    where = f" on {table.name}" if table is not None and table is not item else ""
    return f"{op} {getattr(item, 'name', None) or item}{where}"


def status(url: str) -> tuple[str | None, list[Any]]:
    """The database's revision and its drift from the models (read only)."""
    with reading(url) as connection:
        return current_revision(connection), drift(connection)


def ensure_schema(url: str) -> None:
    """At a process start: SQLite migrates itself; any other database must be at the newest revision."""
    if _is_sqlite(url) and not Path(make_url(url).database or "").is_file():
        upgrade(url)  # a new embedded database
        return
    with reading(url) as connection:
        current = current_revision(connection)
    if current == head():
        return
    if _is_sqlite(url):
        upgrade(url)
        return
    if current is not None and current not in {script.revision for script in scripts().walk_revisions()}:
        # Migrated by a newer release (a rolling upgrade): its revisions keep older code working.
        log.warning("database schema %s is newer than this release's %s", current, head())
        return
    raise SchemaError(
        f"the database schema is at {current or 'no revision'}, this release needs {head()}: "
        "run `narrator migrate` first"
    )
