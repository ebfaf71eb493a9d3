"""`narrator keys create|list|revoke`: API keys (service/access)."""

from __future__ import annotations

import argparse

from service.core.settings import Settings
from workers.cli.registry import Command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from service.access.keys import SCOPES

    action = parser.add_subparsers(dest="keys_command", required=True)
    create = action.add_parser("create", help="create a key; prints it once, alone on the last line")
    create.add_argument("--project", default="default", help="the project (created if new; default: default)")
    create.add_argument("--name", required=True, help="what the key is for, e.g. the CMS's name")
    create.add_argument("--scopes", required=True, help=f"comma-separated, of: {', '.join(SCOPES)}")
    listing = action.add_parser("list", help="list keys (prefix, scopes, created, last used, revoked)")
    listing.add_argument("--project", help="only this project's keys")
    revoke = action.add_parser("revoke", help="revoke a key by id or visible prefix")
    revoke.add_argument("key", help="the key's id or prefix (nk_...)")


def run_keys(args: argparse.Namespace, settings: Settings) -> int:
    from service.access import keys
    from service.core.db import session_scope

    with session_scope(settings.database_url) as session:
        if args.keys_command == "create":
            scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
            record, key = keys.create_key(session, args.project, args.name, scopes)
            print(
                f"created key {record.id} ({record.prefix}...) in project {record.project_id}: "
                + ", ".join(record.scopes)
            )
            print("store it now: it is shown only this once")
            print(key)
        elif args.keys_command == "list":
            for k in keys.list_keys(session, args.project):
                used = k.last_used_at.isoformat(timespec="seconds") if k.last_used_at else "never"
                state = f"revoked {k.revoked_at.isoformat(timespec='seconds')}" if k.revoked_at else "active"
                print(
                    f"{k.id}  {k.prefix}...  {k.project_id}  {k.name!r}  {','.join(k.scopes)}  "
                    f"created {k.created_at.isoformat(timespec='seconds')}  last used {used}  {state}"
                )
        else:
            record = keys.revoke_key(session, args.key)
            print(f"revoked key {record.id} ({record.prefix}...) of project {record.project_id}")
    return 0


COMMAND = Command(
    name="keys",
    help="create, list and revoke API keys",
    add_arguments=add_arguments,
    run=run_keys,
    order=40,
)
