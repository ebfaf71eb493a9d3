"""`narrator subscribers create|list|revoke FEED`: the subscribers of a private feed, one token URL each."""

from __future__ import annotations

import argparse

from service.core.settings import Settings
from workers.cli.registry import Command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    action = parser.add_subparsers(dest="subscribers_command", required=True)
    create = action.add_parser("create", help="a new subscriber; prints their feed URL once, alone on the last line")
    create.add_argument("feed", help="the feed's slug")
    create.add_argument("--name", required=True, help="who it is for, e.g. your subscriber's id")
    listing = action.add_parser("list", help="the feed's subscribers (prefix, created, last used, revoked)")
    listing.add_argument("feed", help="the feed's slug")
    revoke = action.add_parser("revoke", help="revoke one subscriber: their feed URL answers 404 from now on")
    revoke.add_argument("feed", help="the feed's slug")
    revoke.add_argument("subscriber", help="the subscriber's id or prefix (fs_...)")


def run_subscribers(args: argparse.Namespace, settings: Settings) -> int:
    from service.core.db import session_scope
    from service.listeners.feeds import subscribers
    from service.listeners.feeds.records import get_feed

    with session_scope(settings.database_url) as session:
        feed = get_feed(session, args.feed)
        if args.subscribers_command == "create":
            record, token = subscribers.create_subscriber(session, feed, args.name)
            session.commit()
            print(f"created subscriber {record.id} ({record.prefix}...) of feed {feed.slug}")
            if not settings.public_url:
                print("NARRATOR_PUBLIC_URL is not set: put the service's address before this path")
            print("give it to them now: it is shown only this once")
            print(subscribers.subscriber_feed_url(settings.public_url, feed.slug, token))
        elif args.subscribers_command == "list":
            for s in subscribers.list_subscribers(session, feed.slug):
                used = s.last_used_at.isoformat(timespec="seconds") if s.last_used_at else "never"
                state = f"revoked {s.revoked_at.isoformat(timespec='seconds')}" if s.revoked_at else "active"
                print(
                    f"{s.id}  {s.prefix}...  {s.name!r}  created {s.created_at.isoformat(timespec='seconds')}  "
                    f"last used {used}  {state}"
                )
        else:
            record = subscribers.revoke_subscriber(session, feed.slug, args.subscriber)
            session.commit()
            print(f"revoked subscriber {record.id} ({record.prefix}...) of feed {feed.slug}")
    return 0


COMMAND = Command(
    name="subscribers",
    help="create, list and revoke the subscribers of a private feed",
    add_arguments=add_arguments,
    run=run_subscribers,
    order=41,
)
