"""`narrator`: parse the command line, run one subcommand, report bad input in one line.

Expected failures (a missing file, an unreadable URL, an unknown voice, empty
text, invalid settings) end with `narrator: error: ...` on standard error and
exit status 2, never a traceback. A closed output pipe (`narrator normalize
... | head`) ends quietly, as Python's documentation recommends.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from pydantic import ValidationError

from service.core.errors import NarratorError
from service.core.logs import configure_logging
from service.core.settings import Settings, get_settings
from workers.cli.registry import CommandError, discover

USAGE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    """The `narrator` parser: one subparser per command module."""
    parser = argparse.ArgumentParser(prog="narrator", description="Self-hosted 'Listen to article' service.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in discover():
        command_parser = sub.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(command_parser)
        command_parser.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `narrator` console script and of `python -m workers.cli`."""
    args = build_parser().parse_args(argv)
    try:
        settings = _settings()
        if not logging.getLogger().handlers:  # as basicConfig did: a host that set up logging (pytest) keeps it
            configure_logging(settings.log_format)  # NARRATOR_LOG_FORMAT: readable lines or JSON
        status = int(args.run(args, settings) or 0)
        sys.stdout.flush()  # a reader that went away shows here, inside the handler below
        return status
    except BrokenPipeError:
        # https://docs.python.org/3/library/signal.html#note-on-sigpipe: the
        # interpreter flushes stdout again at exit; point it at devnull first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
    except (CommandError, NarratorError, OSError, UnicodeDecodeError) as exc:
        _error(_describe(exc))
        return USAGE_ERROR


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"NARRATOR_{'_'.join(str(part) for part in e['loc']).upper()}: {e['msg']}"
            if e["loc"]
            else str(e["msg"]).removeprefix("Value error, ")
            for e in exc.errors()
        )
        raise CommandError(f"invalid settings: {problems}") from exc


def _describe(exc: BaseException) -> str:
    """One line for an expected failure."""
    if isinstance(exc, NarratorError):
        return f"{exc.message} ({exc.code})"
    if isinstance(exc, UnicodeDecodeError):
        return f"the input is not UTF-8 text ({exc.reason} at byte {exc.start})"
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        return f"{exc.strerror}: {exc.filename}"
    return str(exc)


def _error(message: str) -> None:
    print(f"narrator: error: {message}", file=sys.stderr)
