"""`narrator reconcile`: re-dispatch what stalled narrations miss (docs/architecture.md, Reliability)."""

from __future__ import annotations

import argparse
import sys

from service.core.settings import Settings
from workers.cli.registry import Command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="only print what it would re-dispatch")


def reconcile(args: argparse.Namespace, settings: Settings) -> int:
    """One reconciler pass now; prints each stalled narration and what was (or would be) re-dispatched."""
    from workers.maintenance import reconcile_once

    actions = reconcile_once(settings, dry_run=args.dry_run)
    for action in actions:
        print(f"{action.narration_id}\t{action.action}\t{action.count}\tidle {action.idle_s:.0f} s")
    print(f"narrator: {len(actions)} narration(s) {'would be ' if args.dry_run else ''}reconciled", file=sys.stderr)
    return 0


COMMAND = Command(
    name="reconcile",
    help="re-dispatch what stalled narrations miss (the worker does it every few seconds)",
    add_arguments=add_arguments,
    run=reconcile,
    order=30,
)
