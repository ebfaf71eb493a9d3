"""`narrator gc`: delete what no kept narration, segment, feed or voice sample references (docs/architecture.md)."""

from __future__ import annotations

import argparse
import sys

from service.core.settings import Settings
from workers.cli.registry import Command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="only print what it would delete and free")


def gc(args: argparse.Namespace, settings: Settings) -> int:
    """One garbage collection now; prints what was (or would be) deleted: records, files and bytes."""
    from service.articles.retention import describe
    from workers.maintenance import collect_once

    report = collect_once(settings, dry_run=args.dry_run)
    for line in describe(report):
        print(line)
    print(
        f"narrator: keeping the newest {settings.retain_versions} narrations per article and anything "
        f"younger than {settings.gc_grace_s:.0f} s (NARRATOR_RETAIN_VERSIONS, NARRATOR_GC_GRACE_S)",
        file=sys.stderr,
    )
    return 0


COMMAND = Command(
    name="gc",
    help="delete old narrations and files nothing kept references (the worker does it every hour)",
    add_arguments=add_arguments,
    run=gc,
    order=31,
)
