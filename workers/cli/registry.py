"""The subcommands of `narrator`: one module per command in `workers/cli/commands/`.

A module there becomes a subcommand by defining `COMMAND = Command(...)`;
nothing else is edited to add one. Modules are imported to build the parser,
so they import their heavy dependencies (engines, Celery, uvicorn) inside
`run`, never at the top.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from service.core.settings import Settings

COMMANDS_PACKAGE = "workers.cli.commands"


class CommandError(Exception):
    """A user error a command reports in one line (`narrator: error: <message>`), exiting with 2."""


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, one-line help, its arguments and what it runs.

    `run` returns the exit status; it raises `CommandError`, a `NarratorError`
    or an `OSError` for bad input, which `main` reports in one line.
    `order` places it in `narrator --help` (lower first, then by name).
    """

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Settings], int]
    order: int = 50


def discover() -> list[Command]:
    """Every `COMMAND` in the modules of `workers/cli/commands/`, in help order."""
    package = importlib.import_module(COMMANDS_PACKAGE)
    commands: dict[str, Command] = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{COMMANDS_PACKAGE}.{module_info.name}")
        command = getattr(module, "COMMAND", None)
        if not isinstance(command, Command):
            raise TypeError(f"{module.__name__} defines no COMMAND = Command(...)")
        if command.name in commands:
            raise ValueError(f"two modules define the command {command.name!r}")
        commands[command.name] = command
    return sorted(commands.values(), key=lambda c: (c.order, c.name))
