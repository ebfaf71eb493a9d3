"""`narrator sources add|list|pause|resume|delete|poll`: publishers' feeds and sitemaps (service/sources)."""

from __future__ import annotations

import argparse
import json

from service.core.settings import Settings
from workers.cli.registry import Command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    action = parser.add_subparsers(dest="sources_command", required=True)
    add = action.add_parser("add", help="register a feed (RSS, Atom, JSON Feed) or XML sitemap to poll")
    add.add_argument("url", help="the feed's or sitemap's URL")
    add.add_argument("--project", default="default", help="the project its articles belong to (default: default)")
    add.add_argument("--feed", help="the podcast feed its articles go to")
    add.add_argument("--interval", type=int, default=900, help="seconds between polls (default: 900)")
    add.add_argument("--voice", help="the voice (default: the default voice)")
    add.add_argument("--priority", choices=("now", "backfill"), default="now")
    add.add_argument("--include-category", action="append", default=[], metavar="NAME")
    add.add_argument("--include-prefix", action="append", default=[], metavar="PATH", help="a URL path prefix")
    add.add_argument("--include-pattern", metavar="REGEX", help="a regular expression searched in the URL")
    add.add_argument("--exclude-category", action="append", default=[], metavar="NAME")
    add.add_argument("--exclude-prefix", action="append", default=[], metavar="PATH")
    add.add_argument("--exclude-pattern", metavar="REGEX")
    add.add_argument("--first-poll-newest", type=int, help="narrated at once on the first poll (default: setting)")
    add.add_argument("--no-backfill", action="store_true", help="on the first poll, skip all but the newest")
    listing = action.add_parser("list", help="every source with its last poll, last error and item counts")
    listing.add_argument("--project", help="only this project's sources")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    for name, text in (
        ("pause", "stop polling a source"),
        ("resume", "poll a source again, starting now"),
        ("delete", "forget a source (its articles stay)"),
        ("poll", "poll a source now, here, and print what it did"),
    ):
        action.add_parser(name, help=text).add_argument("source_id")


def _rule(categories: list[str], prefixes: list[str], pattern: str | None) -> dict[str, object]:
    return {"categories": categories, "path_prefixes": prefixes, "pattern": pattern}


def run_sources(args: argparse.Namespace, settings: Settings) -> int:
    from service.core.db import session_scope
    from service.sources import records
    from service.sources.register import register_source

    with session_scope(settings.database_url) as session:
        if args.sources_command == "add":
            spec = records.SourceSpec(
                url=args.url,
                interval_s=args.interval,
                feed=args.feed,
                voice=args.voice,
                priority=args.priority,
                include=_rule(args.include_category, args.include_prefix, args.include_pattern),
                exclude=_rule(args.exclude_category, args.exclude_prefix, args.exclude_pattern),
                first_poll_newest=args.first_poll_newest,
                backfill=not args.no_backfill,
            )
            source = register_source(session, spec, settings, args.project)
            print(f"added source {source.id}: {source.url} every {source.interval_s} s")
        elif args.sources_command == "list":
            found = records.list_sources(session, args.project)
            counts = records.item_counts(session, [s.id for s in found])
            for s in found:
                c = counts[s.id]
                error = f"{s.last_error_code}: {s.last_error_message}" if s.last_error_code else None
                row = {
                    "id": s.id,
                    "url": s.url,
                    "kind": s.kind,
                    "paused": s.paused,
                    "last_poll": s.last_poll_at.isoformat(timespec="seconds") if s.last_poll_at else None,
                    "last_success": s.last_success_at.isoformat(timespec="seconds") if s.last_success_at else None,
                    "next_poll": s.next_poll_at.isoformat(timespec="seconds"),
                    "last_error": error,
                    "items": vars(c),
                }
                if args.json:
                    print(json.dumps(row))
                else:
                    skipped = ", ".join(f"{k} {v}" for k, v in {**c.skipped, **c.failed}.items()) or "none"
                    state = "paused" if s.paused else "active"
                    print(
                        f"{s.id}  {s.url}  {state}  last poll {row['last_poll'] or 'never'}"
                        f"  last success {row['last_success'] or 'never'}  error {error or 'none'}"
                        f"  items: seen {c.seen}, narrated {c.narrated}, backlog {c.backlog}, skipped/failed: {skipped}"
                    )
        elif args.sources_command == "poll":
            from service.core.queue import CeleryQueue
            from service.sources.poll import poll_source

            source = records.get_source(session, args.source_id)
            result = poll_source(session, CeleryQueue(settings), settings, source.id)
            error = f": {result.error_code} ({source.last_error_message})" if result.error_code else ""
            print(f"polled source {source.id}: {result.outcome}, {result.taken} item(s) taken{error}")
            return 1 if result.outcome == "failed" else 0
        else:
            source = records.get_source(session, args.source_id)
            if args.sources_command == "delete":
                records.delete_source(session, source)
            else:
                records.set_paused(session, source, args.sources_command == "pause")
            print(f"{args.sources_command}d source {source.id}")
    return 0


COMMAND = Command(
    name="sources",
    help="add, list, pause, resume, delete and poll publishers' feeds and sitemaps",
    add_arguments=add_arguments,
    run=run_sources,
    order=45,
)
