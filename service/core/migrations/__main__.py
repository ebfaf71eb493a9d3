"""Alembic's own commands on narrator's migrations, for developers: `python -m service.core.migrations --help`.

The database is NARRATOR_DATABASE_URL's (the settings' default otherwise), e.g.
`revision --autogenerate -m "..."`, `history`, `current`, `downgrade -1`.
Operators use `narrator migrate`.
"""

from __future__ import annotations

import sys

from alembic.config import CommandLine

from service.core.migrations import alembic_config
from service.core.settings import get_settings


def main(argv: list[str] | None = None) -> None:
    cli = CommandLine(prog="python -m service.core.migrations")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    cli.run_cmd(alembic_config(get_settings().database_url), options)


if __name__ == "__main__":
    main(sys.argv[1:])
