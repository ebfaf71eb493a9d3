"""One poll of a source: a conditional GET of its feed or sitemap, then its new and changed items.

The poll records its outcome on the source (last poll, last success, last
error with its code, the HTTP validators) and when to poll next
(service/sources/schedule.py). An error fails this source's poll only: it is
recorded, counted and backed off; other sources never see it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from service.core import metrics
from service.core.errors import FetchFailed, NarratorError, SourceTooLarge, UrlForbidden
from service.core.models import Source, SourceItem, utcnow
from service.core.queue import NarrationQueue
from service.core.settings import Settings
from service.document import errors as document_errors
from service.document import fetch
from service.sources import rules, schedule
from service.sources.items import take_item
from service.sources.parse import ChildSitemap, Entry, Listing, parse_listing

log = logging.getLogger(__name__)

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
MAX_CHILD_SITEMAPS = 50
# A child sitemap whose <lastmod> is this much older than the last good poll was read then: it is skipped.
# The margin covers a publisher's clock and a cache that served the old file just after the change.
CHILD_UNCHANGED_MARGIN_S = 3600.0


class PollFailed(Exception):
    """A poll's coded error, with the server's Retry-After when it sent one."""

    def __init__(self, error: NarratorError, retry_after: str | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


@dataclass(frozen=True)
class PollResult:
    """What one poll did: `changed`, `not_modified`, `failed` or `skipped` (paused or gone)."""

    outcome: str
    taken: int = 0  # items fetched and narrated (or found unchanged / duplicate / refused)
    error_code: str | None = None


def _fetch(url: str, settings: Settings, headers: dict[str, str] | None = None) -> fetch.FetchedResource:
    """The resource at `url` through the SSRF address policy and the sources' size limit."""
    try:
        return fetch.fetch_resource(
            url,
            accept=ACCEPT,
            headers=headers,
            allow_hosts=settings.fetch_allow_hosts,
            allow_private=settings.fetch_allow_private,
            max_bytes=settings.source_max_bytes,
            timeout_s=settings.fetch_timeout_s,
        )
    except document_errors.UrlForbidden as exc:
        raise PollFailed(UrlForbidden(str(exc))) from exc
    except document_errors.TooLarge as exc:
        raise PollFailed(SourceTooLarge(str(exc))) from exc
    except document_errors.HttpError as exc:
        raise PollFailed(FetchFailed(str(exc)), exc.retry_after) from exc
    except document_errors.FetchFailed as exc:
        raise PollFailed(FetchFailed(str(exc))) from exc


def _read(body: bytes) -> Listing:
    try:
        return parse_listing(body)
    except NarratorError as exc:
        raise PollFailed(exc) from exc


def read_listing(source: Source, settings: Settings) -> tuple[fetch.FetchedResource, Listing | None]:
    """The source's listing (None when the server says 304), a sitemap index's children read too."""
    conditional = {}
    if source.etag:
        conditional["If-None-Match"] = source.etag
    if source.last_modified:
        conditional["If-Modified-Since"] = source.last_modified
    resource = _fetch(source.url, settings, conditional)
    if resource.status == 304:
        return resource, None
    listing = _read(resource.body)
    if listing.children:
        entries = list(listing.entries)
        for child in children_to_read(listing.children, source.last_success_at):
            entries.extend(_read(_fetch(child.url, settings).body).entries)
        listing = Listing(listing.kind, entries)
    return resource, listing


def children_to_read(children: list[ChildSitemap], last_success: datetime | None) -> list[ChildSitemap]:
    """A sitemap index's children worth fetching: newest <lastmod> first (undated ones after, in the index's order),
    at most MAX_CHILD_SITEMAPS, without those last modified well before the last good poll (read then)."""
    newest_first = sorted(children, key=lambda child: -child.timestamp)  # stable: undated keep their order
    if last_success is not None:
        seen_by = last_success.timestamp() - CHILD_UNCHANGED_MARGIN_S
        newest_first = [child for child in newest_first if not 0 < child.timestamp < seen_by]
    return newest_first[:MAX_CHILD_SITEMAPS]


def _newest_first(entries: list[Entry]) -> list[Entry]:
    unique: dict[str, Entry] = {}
    for entry in entries:
        unique.setdefault(entry.guid, entry)  # a guid listed twice: its first listing
    return sorted(unique.values(), key=lambda e: -e.timestamp)  # stable: undated entries keep the listing's order


class _Poll:
    """The state of one poll as it walks the listing."""

    def __init__(self, session: Session, queue: NarrationQueue, settings: Settings, source: Source) -> None:
        self.session, self.queue, self.settings, self.source = session, queue, settings, source
        self.budget = settings.source_max_items_per_poll
        self.taken = 0

    def _item(self, entry: Entry, status: str = "pending", reason: str | None = None) -> SourceItem:
        item = SourceItem(source_id=self.source.id, guid=entry.guid, url=entry.url, status=status, reason=reason)
        if status != "pending":
            item.item_hash, item.item_date = entry.item_hash, entry.date
        self.session.add(item)
        self.session.commit()
        if status != "pending":  # a pending item is counted once taken
            metrics.SOURCE_ITEMS.labels(source=self.source.id, outcome=reason or status).inc()
        return item

    def _take(self, item: SourceItem, entry: Entry, priority: str) -> None:
        self.budget -= 1
        self.taken += 1
        take_item(self.session, self.queue, self.settings, self.source, item, entry, priority)
        self.session.commit()
        outcome = item.status if item.status in ("narrated", "unchanged") else item.reason or item.status
        metrics.SOURCE_ITEMS.labels(source=self.source.id, outcome=outcome).inc()

    def walk(self, listing: Listing) -> None:
        """New and changed items, newest first; on a first poll only the newest few now, the rest backlog."""
        source = self.source
        known = {item.guid: item for item in source.items}
        first_poll = source.last_success_at is None and not known
        newest_left = source.first_poll_newest
        for entry in _newest_first(listing.entries):
            item = known.get(entry.guid)
            if item is not None and (item.item_hash == entry.item_hash or item.reason == "backlog"):
                continue  # listed as before (or left out by a first poll without backfill): not fetched again
            if not rules.wanted(source.include, source.exclude, entry):
                if item is None:
                    self._item(entry, "skipped", "excluded")
                continue
            if first_poll and newest_left <= 0:
                if source.backfill:
                    self._item(entry, "backlog")
                else:
                    self._item(entry, "skipped", "backlog")
                continue
            if self.budget <= 0:
                return  # the rest at the next poll
            newest_left -= 1
            waiting = item is not None and item.status == "backlog"  # a first poll's leftover stays a backfill
            self._take(item or self._item(entry), entry, "backfill" if waiting else source.priority)

    def drain_backlog(self) -> None:
        """Items a first poll left for later, oldest listed first, at backfill priority, as the budget allows."""
        if self.budget <= 0:
            return
        waiting = self.session.scalars(
            select(SourceItem)
            .where(SourceItem.source_id == self.source.id, SourceItem.status == "backlog")
            .order_by(SourceItem.id)
            .limit(self.budget)
        ).all()
        for item in waiting:
            # As listed when the first poll saw it: the item is then known, unchanged, at the next walk.
            listed = Entry(guid=item.guid, url=item.url, date=item.item_date, item_hash=item.item_hash or "")
            self._take(item, listed, "backfill")


def poll_source(
    session: Session, queue: NarrationQueue, settings: Settings, source_id: str, now: datetime | None = None
) -> PollResult:
    """Poll one source now and record the outcome on it (commits)."""
    source = session.get(Source, source_id)
    if source is None or source.paused:
        if source is not None:
            source.lease_until = None
            session.commit()
        return PollResult("skipped")
    now = now or utcnow()
    source.last_poll_at = now
    session.commit()
    poll = _Poll(session, queue, settings, source)
    try:
        resource, listing = read_listing(source, settings)
        if listing is not None:
            source.kind = listing.kind
            poll.walk(listing)
        poll.drain_backlog()
    except PollFailed as failed:
        session.rollback()
        return _failed(session, source, settings, failed, poll.taken)
    except SQLAlchemyError:
        raise  # the database, not the source: the task's retry policy decides
    except Exception as exc:  # a bug met on this source's content: recorded and backed off like any error
        log.exception("source %s: poll failed unexpectedly", source.id)
        session.rollback()
        return _failed(session, source, settings, PollFailed(NarratorError(str(exc))), poll.taken)
    source.etag = resource.headers.get("etag") or source.etag
    source.last_modified = resource.headers.get("last-modified") or source.last_modified
    source.failures, source.last_error_code, source.last_error_message = 0, None, None
    source.last_success_at = utcnow()
    source.next_poll_at = schedule.after_success(
        source, utcnow(), resource.headers.get("cache-control"), settings.source_max_backoff_s
    )
    source.lease_until = None
    session.commit()
    outcome = "not_modified" if listing is None else "changed"
    metrics.SOURCE_POLLS.labels(source=source.id, outcome=outcome).inc()
    return PollResult(outcome, poll.taken)


def _failed(session: Session, source: Source, settings: Settings, failed: PollFailed, taken: int) -> PollResult:
    code = failed.error.code
    source.failures += 1
    source.last_error_code, source.last_error_message = code, str(failed.error)
    now = utcnow()
    retry_after = schedule.retry_after_s(failed.retry_after, now)
    source.next_poll_at = schedule.after_failure(source, now, retry_after, settings.source_max_backoff_s)
    source.lease_until = None
    session.commit()
    log.warning("source %s (%s): poll failed: %s %s", source.id, source.url, code, failed.error)
    metrics.SOURCE_POLLS.labels(source=source.id, outcome="failed").inc()
    metrics.SOURCE_POLL_ERRORS.labels(source=source.id, code=code).inc()
    return PollResult("failed", taken, code)
