"""`narrator migrate`: bring the database to the newest schema (before starting the API and workers)."""

from __future__ import annotations

import argparse
import sys

from service.core.settings import Settings
from workers.cli.registry import Command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--sql", action="store_true", help="print the SQL it would run; change nothing")
    mode.add_argument(
        "--check", action="store_true", help="exit 1 unless the database is at the newest revision, without drift"
    )


def migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate NARRATOR_DATABASE_URL to the newest revision (or print its SQL, or check it)."""
    from sqlalchemy import make_url

    from service.core import migrations

    url = settings.database_url
    where = make_url(url).render_as_string(hide_password=True)
    if args.sql:
        print(migrations.upgrade_sql(url), end="")
        return 0
    if args.check:
        current, differences = migrations.status(url)
        print(f"{where}: at {current or 'no revision'}, newest {migrations.head()}")
        for difference in differences:
            print(f"  drift: {migrations.describe(difference)}")
        return 0 if current == migrations.head() and not differences else 1
    result = migrations.upgrade(url)
    if result.before == result.after:
        print(f"{where}: at {result.after}, the newest revision", file=sys.stderr)
        return 0
    adopted = f" (made before migrations: stamped at {migrations.BASELINE} first)" if result.adopted else ""
    print(f"{where}: {result.before or 'empty'} -> {result.after}{adopted}", file=sys.stderr)
    return 0


COMMAND = Command(
    name="migrate",
    help="bring the database to the newest schema (before starting the API and workers)",
    add_arguments=add_arguments,
    run=migrate,
    order=25,
)
