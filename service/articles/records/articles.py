"""Creating, updating and deleting articles; an edit queues a narration only when what is spoken changed."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.articles.records.lookups import latest_narration, stored_keys
from service.articles.records.narrations import add_narration
from service.articles.records.stored import blocks_of
from service.core.models import (
    DEFAULT_PROJECT,
    Article,
    Narration,
    NarrationFile,
    NarrationSegment,
    Segment,
    utcnow,
)
from service.document.model import Document


def create_article(
    session: Session,
    *,
    document: Document,
    source_kind: str,
    source: str,
    voice: str,
    language: str = "en",
    feed: str | None = None,
    external_id: str | None = None,
    priority: str = "now",
    section_voices: dict[str, str] | None = None,
    asr_review: bool = False,
    project: str = DEFAULT_PROJECT,
    formats: list[str] | None = None,
) -> tuple[Article, Narration]:
    """Store a new article and its first (queued) narration, published in `formats` (default: MP3 only)."""
    article = Article(
        project_id=project,
        external_id=external_id,
        feed=feed,
        title=document.title,
        byline=document.byline,
        language=language,
        source_kind=source_kind,
        source=source,
        blocks=blocks_of(document),
        voice=voice,
        section_voices=dict(section_voices or {}),
        formats=list(formats or ["mp3"]),
    )
    session.add(article)
    session.flush()
    narration = add_narration(session, article, voice=voice, priority=priority, asr_review=asr_review)
    return article, narration


def spoken_content_changed(
    article: Article, document: Document, voice: str, language: str, section_voices: dict[str, str] | None = None
) -> bool:
    """True when narrating `document` would sound different from the article as stored.

    Only what is spoken counts: the blocks (title included) with their kinds,
    the voices and the language; markup and whitespace that extraction drops
    do not.
    """
    return (
        article.blocks != blocks_of(document)
        or article.voice != voice
        or article.language != language
        or (article.section_voices or {}) != (section_voices or {})
    )


def would_narrate(
    session: Session,
    article: Article,
    document: Document,
    voice: str,
    language: str,
    section_voices: dict[str, str] | None = None,
) -> bool:
    """Whether storing this edit queues a narration: what is spoken changed, or the last narration failed."""
    latest = latest_narration(session, article.id)
    failed_last = latest is not None and latest.status == "failed"  # sending it again narrates it again
    return failed_last or spoken_content_changed(article, document, voice, language, section_voices)


def update_article(
    session: Session,
    article: Article,
    *,
    document: Document,
    source_kind: str,
    source: str,
    voice: str,
    language: str,
    priority: str = "now",
    section_voices: dict[str, str] | None = None,
    asr_review: bool = False,
    formats: list[str] | None = None,
) -> Narration | None:
    """Store an edited article; queue a new narration only when its spoken content or its formats changed.

    `formats` (None: as they are) changed alone narrates again with every segment cached: only the
    assembly runs, and the new narration has every file in the new formats.
    """
    changed = spoken_content_changed(article, document, voice, language, section_voices)
    voice_changed = article.voice != voice
    formats_changed = formats is not None and list(formats) != list(article.formats or ["mp3"])
    narrates = formats_changed or would_narrate(session, article, document, voice, language, section_voices)
    article.source_kind, article.source = source_kind, source
    article.byline = document.byline
    if formats is not None:
        article.formats = list(formats)
    if not narrates:
        return None
    article.title = document.title
    article.blocks = blocks_of(document)
    article.voice, article.language = voice, language
    article.section_voices = dict(section_voices or {})
    article.updated_at = utcnow()
    reason = "voice" if voice_changed else ("edited" if changed else ("formats" if formats_changed else "retried"))
    return add_narration(session, article, voice=voice, priority=priority, reason=reason, asr_review=asr_review)


def _cancel_unneeded_segments(session: Session, narration_ids: list[str]) -> None:
    """Mark pending segments only these narrations need `cancelled`: their queued tasks skip them."""
    if not narration_ids:
        return
    mine = select(NarrationSegment.segment_key).where(NarrationSegment.narration_id.in_(narration_ids))
    needed_elsewhere = (
        select(NarrationSegment.segment_key)
        .join(Narration, Narration.id == NarrationSegment.narration_id)
        .where(NarrationSegment.narration_id.not_in(narration_ids), Narration.status.in_(("queued", "running")))
    )
    session.execute(
        update(Segment)
        .where(Segment.status == "pending", Segment.key.in_(mine), Segment.key.not_in(needed_elsewhere))
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )


def delete_article(session: Session, article: Article) -> list[str]:
    """Delete an article and its narrations; returns the storage keys no other narration uses."""
    keys = {k for n in article.narrations for k in stored_keys(n)}
    _cancel_unneeded_segments(session, [n.id for n in article.narrations])
    article.current_narration_id = None
    session.flush()
    session.delete(article)
    session.flush()
    if not keys:
        return []
    still_used = {
        k
        for n in session.scalars(
            select(Narration).where(
                (Narration.audio_key.in_(keys))
                | (Narration.captions_key.in_(keys))
                | (Narration.marks_key.in_(keys))
                | (Narration.chapters_key.in_(keys))
            )
        )
        for k in stored_keys(n)
    }
    still_used.update(session.scalars(select(NarrationFile.key).where(NarrationFile.key.in_(keys))))
    return sorted(keys - still_used)
