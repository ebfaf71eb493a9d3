"""Database engine and sessions: SQLite (embedded default) or PostgreSQL.

SQLite is shared by the API and worker processes, so it runs in WAL mode with
a busy timeout; transactions stay short.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from service.core.models import DEFAULT_PROJECT, Base, Project

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """Create an engine for `url`; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    """Create the models' tables directly: for throwaway test databases only.

    Processes never do this: `engine_for` goes through the migrations.
    tests/unit/test_migrations.py proves both make the same schema.
    """
    Base.metadata.create_all(engine)
    with Session(engine) as session, session.begin():  # the row revision 0003 adds: every record's default owner
        if session.get(Project, DEFAULT_PROJECT) is None:
            session.add(Project(id=DEFAULT_PROJECT))


# Engines kept per process: one per URL, the least recently used disposed beyond this many.
MAX_ENGINES = 8
_engines: OrderedDict[str, Engine] = OrderedDict()
_engines_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """One engine (and pool) per URL per process, with the schema in place.

    SQLite (the embedded default) is migrated to the newest revision here; any
    other database must have been migrated (`narrator migrate`), else this
    raises a SchemaError naming the command (service/core/migrations). An
    engine pushed out of the cache is disposed: its pooled connections are
    closed, not left to the garbage collector.
    """
    with _engines_lock:
        if url in _engines:
            _engines.move_to_end(url)
            return _engines[url]
    from service.core.migrations import ensure_schema

    ensure_schema(url)
    engine = make_engine(url)
    with _engines_lock:
        if url in _engines:  # another thread made it meanwhile
            engine.dispose()
            return _engines[url]
        _engines[url] = engine
        while len(_engines) > MAX_ENGINES:
            _engines.popitem(last=False)[1].dispose()
    return engine


def release_engine(url: str) -> None:
    """Dispose of the engine for `url` and forget it (its database is going away)."""
    with _engines_lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def session_factory(url: str) -> sessionmaker[Session]:
    """A sessionmaker bound to the engine for `url`."""
    return sessionmaker(bind=engine_for(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A short transaction: commit on success, roll back on error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
