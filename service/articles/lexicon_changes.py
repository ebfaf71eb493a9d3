"""A pronunciation saved or removed, with the articles it affects, re-narrated on request.

The API's /v1/lexicon/entries routes and the console's pronunciation editor both call these.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from service.articles.editing import renarrate
from service.core.models import Article, LexiconEntry
from service.core.queue import NarrationQueue
from service.core.settings import Settings
from service.document import lexicon


@dataclass(frozen=True)
class Affected:
    """An article the entry's term appears in, and its new narration when it was re-narrated."""

    article: Article
    narration_id: str | None = None


@dataclass(frozen=True)
class LexiconChange:
    entry: LexiconEntry
    lexicon_version: str
    affected: list[Affected]
    renarrated: bool


def announce_change(
    session: Session,
    queue: NarrationQueue,
    settings: Settings,
    entry: LexiconEntry,
    feed: str | None,
    *,
    renarrate_affected: bool,
    project: str,
) -> LexiconChange:
    """Commit a changed entry; list the articles it affects and re-narrate them when asked.

    Re-narrations go at backfill priority: a lexicon sweep must not delay breaking news. Only
    the blocks that contain the term are synthesized again (their segment keys include it).
    """
    articles = lexicon.affected_articles(session, feed, entry.term, project)
    version = lexicon.version_of(session, feed, project)
    session.commit()
    affected = [
        Affected(
            article,
            renarrate(session, queue, settings, article, voice=None, force=False, priority="backfill").id
            if renarrate_affected
            else None,
        )
        for article in articles
    ]
    return LexiconChange(entry, version, affected, renarrate_affected)


def save_entry(
    session: Session,
    queue: NarrationQueue,
    settings: Settings,
    feed: str | None,
    term: str,
    *,
    alias: str | None,
    ipa: str | None,
    renarrate_affected: bool,
    project: str,
) -> LexiconChange:
    """Create or replace a pronunciation (InvalidLexiconEntry when it is not one) and announce it."""
    entry = lexicon.put_entry(session, feed, term, alias=alias, ipa=ipa, project=project)
    return announce_change(
        session, queue, settings, entry, feed, renarrate_affected=renarrate_affected, project=project
    )


def remove_entry(
    session: Session,
    queue: NarrationQueue,
    settings: Settings,
    feed: str | None,
    term: str,
    *,
    renarrate_affected: bool,
    project: str,
) -> LexiconChange:
    """Remove a pronunciation (NotFound when there is none) and announce it."""
    entry = lexicon.delete_entry(session, feed, term, project)
    return announce_change(
        session, queue, settings, entry, feed, renarrate_affected=renarrate_affected, project=project
    )
