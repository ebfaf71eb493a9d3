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
  workers start), else the start fails naming the command. A database already
  at the newest revision, the usual start, is checked without importing
  Alembic (its revision read with a query, the newest read from the scripts'
  `revision` lines): Alembic, Mako and the Pygments plugin Mako loads hold
  ~10 MB that a process which never migrates would keep for nothing.

A new revision, after changing the models (SQLite, from a scratch database):

    NARRATOR_DATABASE_URL=sqlite:////tmp/dev.db python -m service.core.migrations upgrade head
    NARRATOR_DATABASE_URL=sqlite:////tmp/dev.db python -m service.core.migrations revision --autogenerate -m "..."

then read and edit what it wrote in `versions/` (tests/unit/test_migrations.py
fails until models and revisions agree).
"""

from __future__ import annotations

import logging

# Alembic logs each of its plugins as it is imported, and its context at every
# command, at INFO: noise at every process start. `upgrade` logs what changed.
logging.getLogger("alembic").setLevel(logging.WARNING)

import ast
import sys
from dataclasses import dataclass
from functools import lru_cache
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, MetaData, inspect, make_url, text

from service.core.errors import SchemaError
from service.core.migrations.connections import is_sqlite, locked_connection, reading

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

__all__ = ["SchemaError", "locked_connection"]  # env.py and callers take them from here

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
BASELINE = "0001"  # the schema `create_all` made before migrations existed
VERSION_TABLE = "alembic_version"


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
    from alembic.config import Config

    # Alembic's default stdout is the one of when alembic.config was first imported, now lazily:
    # it may be a stream swapped in and closed since (a test capturing output). Today's, always.
    config = Config(stdout=sys.stdout)
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
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://"))


@lru_cache(maxsize=1)
def head() -> str:
    """The newest revision: the one no script revises, read from the scripts' source without Alembic.

    Anything but one such revision (branches not merged yet) is left to Alembic, which names the heads.
    tests/unit/test_migrations.py checks that Alembic finds the same head.
    """
    revised: set[str] = set()
    revisions: list[str] = []
    scripts_read = [path for path in (HERE / "versions").glob("*.py") if path.name != "__init__.py"]
    for path in scripts_read:
        for name, value in _module_constants(path, ("revision", "down_revision")):
            if name == "revision" and isinstance(value, str):
                revisions.append(value)
            elif name == "down_revision" and value is not None:
                revised.update([value] if isinstance(value, str) else value)
    heads = set(revisions) - revised
    if len(revisions) == len(scripts_read) and len(heads) == 1:  # one revision read from every script
        return heads.pop()
    revision = scripts().get_current_head()  # raises naming the heads
    assert revision is not None
    return revision


def _module_constants(path: Path, names: tuple[str, ...]) -> list[tuple[str, Any]]:
    """The literal values a module's top level assigns to `names` (`x = ...` or `x: T = ...`)."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            found.append((target.id, ast.literal_eval(value)))
    return found


def current_revision(connection: Connection) -> str | None:
    """The database's revision; None when it has none (empty, or made before migrations)."""
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _stamped_revision(connection: Connection) -> str | None:
    """The one revision in the version table, read with a query (None: no table, or not one row)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def baseline_metadata() -> MetaData:
    """The baseline revision's own copy of the schema (frozen; the models move on)."""
    script = scripts().get_revision(BASELINE)
    assert script is not None
    metadata: MetaData = script.module.baseline_metadata()
    return metadata


def _adopt(connection: Connection, config: Config) -> bool:
    """Stamp a database made by `create_all` before migrations at the baseline; False if it is not one."""
    from alembic import command

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
    from alembic import command

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
    from alembic import command

    with locked_connection(url) as connection:
        command.downgrade(alembic_config(url, connection), revision)


def upgrade_sql(url: str) -> str:
    """The SQL `upgrade` would run on the database at `url` (read, not changed), for review."""
    from alembic import command

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
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

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
    if is_sqlite(url) and not Path(make_url(url).database or "").is_file():
        upgrade(url)  # a new embedded database
        return
    with reading(url) as connection:
        if _stamped_revision(connection) == head():
            return  # the usual start: at the newest revision, Alembic not imported
        current = current_revision(connection)
    if current == head():
        return
    if is_sqlite(url):
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
