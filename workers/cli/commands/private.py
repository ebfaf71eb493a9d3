"""`narrator private article|feed ID [--public]`: mark an article or a feed private, or public again."""

from __future__ import annotations

import argparse

from service.core.settings import Settings
from workers.cli.registry import Command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="private_target", required=True)
    article = what.add_parser("article", help="an article: its files only at signed, expiring URLs")
    article.add_argument("id", help="the article's id")
    feed = what.add_parser("feed", help="a feed: its RSS only at subscribers' URLs, every article in it private")
    feed.add_argument("id", help="the feed's slug")
    for target in (article, feed):
        target.add_argument("--public", action="store_true", help="make it public again")


def run_private(args: argparse.Namespace, settings: Settings) -> int:
    from service.articles import records
    from service.articles.privacy import mark_private
    from service.core.db import session_scope
    from service.listeners.feeds.records import get_feed

    with session_scope(settings.database_url) as session:
        record = (
            records.get_article(session, args.id) if args.private_target == "article" else get_feed(session, args.id)
        )
        mark_private(settings, record, not args.public)
        session.commit()
    print(f"{args.private_target} {args.id} is {'public' if args.public else 'private'}")
    return 0


COMMAND = Command(
    name="private",
    help="mark an article or a feed private (signed, expiring URLs) or public again",
    add_arguments=add_arguments,
    run=run_private,
    order=42,
)
