"""What editors do to articles, as plain functions the routes call.

Creating, editing and re-narrating all end the same way: a narration record
is committed together with its dispatch (a transactional outbox,
service/core/outbox.py), then published at once if the broker answers. If it
does not, the narration is still accepted: the workers' dispatcher publishes
it when the broker is back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.articles import planning, records
from service.articles.intake import ArticleInput, build_document, check_formats, check_voice, source_of
from service.articles.privacy import require_signing
from service.core import outbox
from service.core.errors import DuplicateArticle
from service.core.models import DEFAULT_PROJECT, Article, Narration
from service.core.queue import NARRATE_TASK, PRIORITY_QUEUES, NarrationQueue
from service.core.settings import Settings
from service.document.model import Document

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """The article after a change, and the narration queued for it (None: nothing to narrate)."""

    article: Article
    narration: Narration | None
    created: bool = False


def dispatch(session: Session, narration: Narration) -> None:
    """Record the narration's task in the outbox, in the transaction that stores the narration."""
    outbox.add(session, NARRATE_TASK, [narration.id], PRIORITY_QUEUES[narration.priority], narration_id=narration.id)


def publish(session: Session, queue: NarrationQueue, narration: Narration) -> None:
    """Publish a committed narration's dispatch now if the broker answers; else the workers' dispatcher will."""
    try:
        outbox.publish_pending(session, queue, narration_id=narration.id)
    except Exception:  # best effort: the dispatch is committed and stays pending
        session.rollback()
        log.warning("narration %s: dispatch left in the outbox", narration.id, exc_info=True)


def submit_article(
    session: Session,
    queue: NarrationQueue,
    settings: Settings,
    submitted: ArticleInput,
    *,
    voice: str | None,
    feed: str | None,
    external_id: str | None,
    priority: str,
    section_voices: dict[str, str] | None = None,
    review: bool | None = None,
    project: str = DEFAULT_PROJECT,
    document: Document | None = None,
    private: bool | None = None,
    formats: list[str] | None = None,
) -> Outcome:
    """Create an article (in `project`), or update the one the publisher already sent under `external_id`.

    `document` is the input already extracted (a source poll extracts first, to find duplicates).
    `private` marks it private or public (None: a new article is public, a known one stays as it is).
    `formats` are the formats it is published in (None: the setting for a new one, unchanged for a known one).
    """
    if private:
        require_signing(settings)
    asr_review = settings.asr_review if review is None else review
    voice_id = check_voice(voice, settings)
    wanted = check_formats(formats, settings) if formats is not None else None
    sections = {section: check_voice(v, settings) for section, v in (section_voices or {}).items()}
    document = document or build_document(submitted, settings)
    kind, source = source_of(submitted)

    def update(known: Article) -> Outcome:
        return _apply_edit(
            session,
            queue,
            known,
            submitted,
            voice_id,
            priority,
            document=document,
            sections=sections,
            asr_review=asr_review,
            private=private,
            formats=wanted,
        )

    if external_id is not None:
        known = records.find_by_external_id(session, feed, external_id, project)
        if known is not None:
            return update(known)
    try:
        article, narration = records.create_article(
            session,
            document=document,
            source_kind=kind,
            source=source,
            voice=voice_id,
            language=submitted.language,
            feed=feed,
            external_id=external_id,
            priority=priority,
            section_voices=sections,
            asr_review=asr_review,
            project=project,
            formats=wanted or check_formats(None, settings),
        )
        article.private = bool(private)
        dispatch(session, narration)
        session.commit()
    except IntegrityError:
        # Two first submissions of the same external_id raced and the other one won: update it.
        session.rollback()
        known = records.find_by_external_id(session, feed, external_id, project) if external_id is not None else None
        if known is None:
            raise DuplicateArticle(f"external_id {external_id!r} was just created in feed {feed!r}; retry") from None
        return update(known)
    publish(session, queue, narration)
    return Outcome(article, narration, created=True)


def edit_article(
    session: Session,
    queue: NarrationQueue,
    settings: Settings,
    article: Article,
    submitted: ArticleInput,
    *,
    voice: str | None,
    priority: str,
    section_voices: dict[str, str] | None = None,
    review: bool | None = None,
    document: Document | None = None,
    private: bool | None = None,
    formats: list[str] | None = None,
) -> Outcome:
    """Replace an article's content; narrate again only if what is spoken or its formats changed.

    `document`: the input as extracted. `private` marks it private or public, `formats` sets the formats
    it is published in (None: each as it is).
    """
    if private:
        require_signing(settings)
    voice_id = check_voice(voice or article.voice, settings)
    sections = {section: check_voice(v, settings) for section, v in (section_voices or {}).items()}
    return _apply_edit(
        session,
        queue,
        article,
        submitted,
        voice_id,
        priority,
        document=document or build_document(submitted, settings),
        sections=sections,
        asr_review=settings.asr_review if review is None else review,
        private=private,
        formats=check_formats(formats, settings) if formats is not None else None,
    )


def _apply_edit(
    session: Session,
    queue: NarrationQueue,
    article: Article,
    submitted: ArticleInput,
    voice_id: str,
    priority: str,
    *,
    document: Document,
    sections: dict[str, str],
    asr_review: bool,
    private: bool | None,
    formats: list[str] | None = None,
) -> Outcome:
    kind, source = source_of(submitted)
    if private is not None:
        article.private = private
    narration = records.update_article(
        session,
        article,
        document=document,
        source_kind=kind,
        source=source,
        voice=voice_id,
        language=submitted.language,
        priority=priority,
        section_voices=sections,
        asr_review=asr_review,
        formats=formats,
    )
    if narration is not None:
        dispatch(session, narration)
    session.commit()
    if narration is not None:
        publish(session, queue, narration)
    return Outcome(article, narration)


def renarrate(
    session: Session,
    queue: NarrationQueue,
    settings: Settings,
    article: Article,
    *,
    voice: str | None,
    force: bool,
    priority: str,
    review: bool | None = None,
) -> Narration:
    """Queue a new narration: another voice, after a lexicon change, or forced (no cache reuse)."""
    voice_id = check_voice(voice or article.voice, settings)
    reason = "forced" if force else ("voice" if voice_id != article.voice else "requested")
    article.voice = voice_id
    narration = records.add_narration(
        session,
        article,
        voice=voice_id,
        priority=priority,
        reason=reason,
        bypass_cache=force,
        asr_review=settings.asr_review if review is None else review,
    )
    dispatch(session, narration)
    session.commit()
    publish(session, queue, narration)
    return narration


def preview_edit(
    session: Session,
    settings: Settings,
    article: Article,
    submitted: ArticleInput,
    *,
    section_voices: dict[str, str] | None = None,
) -> planning.Rereading:
    """What `edit_article` with the same input would narrate: how many blocks of how many it would synthesize.

    The same extraction, the same "did what is spoken change" rule and the same segment keys as the
    edit and its narration; nothing is stored.
    """
    document = build_document(submitted, settings)
    sections = dict(article.section_voices or {}) if section_voices is None else section_voices
    specs = planning.article_specs(session, settings, article, document, article.voice, sections)
    narrates = records.would_narrate(session, article, document, article.voice, submitted.language, sections)
    reread = planning.blocks_to_reread(session, specs) if narrates else 0
    return planning.Rereading(reread=reread, total=len(specs), narrates=narrates)


def move_to_feed(session: Session, article: Article, feed: str | None) -> Article:
    """Put the article in a feed (None: in none); its finished narration becomes the feed's episode.

    DuplicateArticle when the feed already has an article with the same external_id.
    """
    if feed == article.feed:
        return article
    if article.external_id is not None and records.find_by_external_id(
        session, feed, article.external_id, article.project_id
    ):
        raise DuplicateArticle(f"feed {feed!r} already has an article with external_id {article.external_id!r}")
    article.feed = feed
    session.commit()
    return article
