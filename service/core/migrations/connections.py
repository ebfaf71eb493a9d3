"""Connections for migrating: one migrator at a time (a PostgreSQL advisory lock, SQLite BEGIN IMMEDIATE)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.pool import NullPool

from service.core.errors import SchemaError

# pg_advisory_xact_lock key: one migration at a time per PostgreSQL database ("narr").
POSTGRES_LOCK_KEY = 0x6E617272
SQLITE_BUSY_TIMEOUT_S = 30


def is_sqlite(url: str) -> bool:
    """Whether `url` names a SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def migration_engine(url: str) -> Engine:
    """An engine for migrating: SQLite with real transactions around DDL and foreign keys off.

    Python's sqlite3 opens transactions only before INSERT/UPDATE/DELETE, so
    DDL would commit statement by statement; with its handling off and BEGIN
    IMMEDIATE on begin, a migration is one transaction holding the write lock.
    Foreign keys are off while tables are rebuilt (batch mode) and checked
    before the commit.
    """
    if not is_sqlite(url):
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
