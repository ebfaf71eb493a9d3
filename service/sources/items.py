"""One listed item: fetched and extracted as URL intake does, deduplicated, then narrated (or re-narrated).

An item whose listing is unchanged is left alone. A new or changed one is
read from the feed when the feed carries the article body, else from its
page (through the SSRF address policy and size limits). The same story is
narrated once per project: an item whose canonical URL (`<link
rel=canonical>`) or spoken text another item already narrated is skipped as a
duplicate. A known item goes through the editing path, so only the
paragraphs that changed are synthesized again.
"""

from __future__ import annotations

import hashlib
import logging

import lxml.html
from lxml import etree
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from service.articles.editing import edit_article, submit_article
from service.articles.intake import ArticleInput, build_document, fetch_page
from service.core.errors import NarratorError
from service.core.hygiene import clean_text
from service.core.models import Article, Source, SourceItem
from service.core.queue import NarrationQueue
from service.core.settings import Settings
from service.document.metadata import canonical_url
from service.sources.parse import Entry

log = logging.getLogger(__name__)

MIN_BODY_CHARS = 200  # a feed's content shorter than this is a teaser: the page is fetched instead
# Errors an item keeps until its listing changes; any other (a fetch that failed) is retried at the next poll.
LASTING_ERRORS = frozenset({"url_forbidden", "not_an_article", "empty_text", "text_too_long"})
MAX_EXTERNAL_ID = 200


def _text_chars(html: str) -> int:
    try:
        return len(lxml.html.fromstring(html).text_content().strip())
    except (etree.ParserError, ValueError):
        return 0


def external_id_for(url: str) -> str:
    """The article's external_id: its canonical URL, or a digest of it when too long for the column."""
    if len(url) <= MAX_EXTERNAL_ID:
        return url
    return "sha256:" + hashlib.sha256(url.encode("utf-8")).hexdigest()


def article_input(entry: Entry, settings: Settings) -> tuple[ArticleInput, str]:
    """How to read the item (the feed's body, or its page fetched once) and its canonical URL."""
    if entry.content_html and _text_chars(entry.content_html) >= MIN_BODY_CHARS:
        # Fetched text like a page: control, bidi-override and non-characters removed (service/core/hygiene.py).
        title = clean_text(entry.title) if entry.title else None
        return ArticleInput(title=title, html=clean_text(entry.content_html)), entry.url
    page = fetch_page(entry.url, settings)
    return ArticleInput(url=entry.url, page=page), canonical_url(page.html, page.url)


def _duplicate(session: Session, source: Source, item: SourceItem, *same: ColumnElement[bool]) -> str | None:
    """The article another item of the project made of the same story (any of `same` holds for it)."""
    return session.scalar(
        select(SourceItem.article_id)
        .join(Source, Source.id == SourceItem.source_id)
        .where(
            Source.project_id == source.project_id,
            SourceItem.id != item.id,
            SourceItem.article_id.is_not(None),
            or_(*same),
        )
        .limit(1)
    )


def _listed_before(session: Session, source: Source, item: SourceItem, entry: Entry) -> str | None:
    """Before any fetch: an item already narrated under this URL, or under this GUID when it is a URL.

    A GUID that is not a URL ("1234") is only unique within its feed, so it is not compared across feeds.
    """
    same = [SourceItem.canonical_url == entry.url, SourceItem.url == entry.url]
    if entry.guid.startswith(("http://", "https://")):
        same.append(SourceItem.guid == entry.guid)
    return _duplicate(session, source, item, *same)


def take_item(
    session: Session,
    queue: NarrationQueue,
    settings: Settings,
    source: Source,
    item: SourceItem,
    entry: Entry,
    priority: str,
) -> None:
    """Narrate a new or changed item and record what became of it (the caller commits).

    `item` is already committed (new items as `pending`), so a refusal rolls back nothing of it.
    """
    # A duplicate's article belongs to the item that made it: this one only points there.
    own = item.article_id if item.reason != "duplicate" else None
    known = session.get(Article, own) if own else None
    if known is None and (duplicate := _listed_before(session, source, item, entry)) is not None:
        _record(item, entry, "skipped", "duplicate", None, None, duplicate)
        return
    try:
        submitted, canonical = article_input(entry, settings)
        document = build_document(submitted, settings)
        content_hash = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
        if known is None:
            same = (SourceItem.canonical_url == canonical, SourceItem.content_hash == content_hash)
            if (duplicate := _duplicate(session, source, item, *same)) is not None:
                _record(item, entry, "skipped", "duplicate", canonical, content_hash, duplicate)
                return
        if known is not None:
            outcome = edit_article(
                session,
                queue,
                settings,
                known,
                submitted,
                voice=source.voice,
                priority=priority,
                section_voices=source.section_voices,
                document=document,
                formats=source.formats,
            )
        else:
            outcome = submit_article(
                session,
                queue,
                settings,
                submitted,
                voice=source.voice,
                feed=source.feed,
                external_id=external_id_for(canonical),
                priority=priority,
                section_voices=source.section_voices,
                project=source.project_id,
                document=document,
                formats=source.formats,
            )
    except SQLAlchemyError:
        raise  # the database, not the item: the task's retry policy decides
    except Exception as exc:
        # A refused item (a coded error), or a page that broke extraction: this item fails, the poll goes on.
        session.rollback()  # the item row was committed before: it is read again
        error = exc if isinstance(exc, NarratorError) else NarratorError(str(exc))
        if not isinstance(exc, NarratorError):
            log.exception("source %s: item %s failed", source.id, entry.url)
        item.status, item.reason = "failed", error.code
        item.item_date = entry.date
        item.item_hash = entry.item_hash if error.code in LASTING_ERRORS else None
        return
    status = "narrated" if outcome.narration is not None else "unchanged"
    reason = None if outcome.narration is None else outcome.narration.reason
    _record(item, entry, status, reason, canonical, content_hash, outcome.article.id)


def _record(
    item: SourceItem,
    entry: Entry,
    status: str,
    reason: str | None,
    canonical: str | None,
    content_hash: str | None,
    article_id: str,
) -> None:
    item.status, item.reason = status, reason
    item.canonical_url, item.content_hash, item.article_id = canonical, content_hash, article_id
    item.item_date, item.item_hash, item.url = entry.date, entry.item_hash, entry.url
