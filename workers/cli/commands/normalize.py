"""`narrator normalize`: the spoken form of a text, a file or standard input, line by line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from service.core.settings import Settings
from workers.cli.registry import Command, CommandError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", help="the text; omitted or - reads standard input line by line")
    parser.add_argument("-f", "--file", type=Path, help="read the lines of this UTF-8 file instead")


def normalize_lines(args: argparse.Namespace, _settings: Settings) -> int:
    from service.document.normalize import normalize

    if args.file is not None and args.text is not None:
        raise CommandError("give TEXT or --file, not both")
    lines: Iterable[str]
    if args.file is not None:
        lines = _file_lines(args.file)
    elif args.text is None or args.text == "-":
        lines = sys.stdin
    elif not args.text.strip():
        raise CommandError("the text is empty")
    else:
        lines = [args.text]
    for line in lines:
        # flush per line: a filter in a pipeline answers each line as it comes
        print(normalize(line.rstrip("\n")).text, flush=True)
    return 0


def _file_lines(path: Path) -> Iterable[str]:
    if path.is_dir():
        raise CommandError(f"{path} is a directory")
    with path.open(encoding="utf-8") as lines:
        try:
            yield from lines
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


COMMAND = Command(
    name="normalize",
    help="print the spoken form of TEXT, of a file's lines or of each line of stdin",
    add_arguments=add_arguments,
    run=normalize_lines,
    order=40,
)
