"""Plain functions over the records: what the API and the workers do to articles and narrations.

Each function takes an open `Session`; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.core.errors import NotFound
from service.core.models import DEFAULT_PROJECT, Article, Narration, NarrationSegment, Segment, utcnow
from service.document.model import Block, Document

TERMINAL_STATUSES = frozenset({"done", "failed"})


@dataclass(frozen=True)
class FinishedAudio:
    """What a worker reports when a narration's files are stored."""

    sha256: str
    audio_key: str
    bytes: int
    duration_s: float
    captions_key: str | None = None
    marks_key: str | None = None
    chapters_key: str | None = None


def document_of(article: Article) -> Document:
    """Rebuild the extracted `Document` an article was stored with."""
    blocks = [
        Block(
            b["kind"],
            b["text"],
            lexicon=tuple((term, spoken) for term, spoken in b.get("lexicon", ())),
            pause_after_ms=b.get("pause_after_ms"),
        )
        for b in article.blocks
    ]
    title = blocks[0].text if blocks and blocks[0].kind == "title" else None
    body = tuple(b for b in blocks if b.kind != "title")
    return Document(title=title, blocks=body, byline=article.byline, language=article.language)


def blocks_of(document: Document) -> list[dict[str, Any]]:
    """The JSON form of a document's spoken blocks (title first).

    A block's own lexicon and pause are stored only when set, so rows written
    before they existed compare equal and load unchanged.
    """
    out: list[dict[str, Any]] = []
    for b in document.spoken_blocks():
        row: dict[str, Any] = {"kind": b.kind, "text": b.text}
        if b.lexicon:
            row["lexicon"] = [[term, spoken] for term, spoken in b.lexicon]
        if b.pause_after_ms is not None:
            row["pause_after_ms"] = b.pause_after_ms
        out.append(row)
    return out


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
) -> tuple[Article, Narration]:
    """Store a new article and its first (queued) narration."""
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
    )
    session.add(article)
    session.flush()
    narration = add_narration(session, article, voice=voice, priority=priority, asr_review=asr_review)
    return article, narration


def add_narration(
    session: Session,
    article: Article,
    *,
    voice: str,
    priority: str = "now",
    reason: str = "created",
    bypass_cache: bool = False,
    asr_review: bool = False,
) -> Narration:
    """Queue a new narration version of `article`."""
    latest = session.scalar(select(func.max(Narration.version)).where(Narration.article_id == article.id))
    narration = Narration(
        article_id=article.id,
        version=(latest or 0) + 1,
        voice=voice,
        status="queued",
        priority=priority,
        reason=reason,
        bypass_cache=bypass_cache,
        asr_review=asr_review,
    )
    session.add(narration)
    session.flush()
    return narration


def get_article(session: Session, article_id: str, project: str | None = None) -> Article:
    """The article with this id (in `project`, when given: another project's is not found), or `NotFound`."""
    article = session.get(Article, article_id)
    if article is None or (project is not None and article.project_id != project):
        raise NotFound(f"No article with id {article_id!r}")
    return article


def get_narration(session: Session, narration_id: str, project: str | None = None) -> Narration:
    """The narration with this id (of an article in `project`, when given), or `NotFound`."""
    narration = session.get(Narration, narration_id)
    if narration is None or (project is not None and narration.article.project_id != project):
        raise NotFound(f"No narration with id {narration_id!r}")
    return narration


def latest_narration(session: Session, article_id: str) -> Narration | None:
    """The newest narration version of an article, whatever its status."""
    return session.scalar(
        select(Narration).where(Narration.article_id == article_id).order_by(Narration.version.desc()).limit(1)
    )


def current_narration(session: Session, article: Article) -> Narration | None:
    """The narration whose audio the article serves now (always a done one)."""
    return session.get(Narration, article.current_narration_id) if article.current_narration_id else None


def start_narration(session: Session, narration_id: str) -> Narration | None:
    """Mark a narration running; None when it is already finished (a redelivered task)."""
    narration = get_narration(session, narration_id)
    if narration.status in TERMINAL_STATUSES:
        return None
    narration.status = "running"
    narration.progress = 0.0
    narration.started_at = narration.progressed_at = utcnow()
    narration.attempts += 1
    narration.error_code = narration.error_message = None
    return narration


def set_progress(session: Session, narration_id: str, progress: float) -> None:
    """Record how far a running narration is (0..1)."""
    narration = get_narration(session, narration_id)
    if narration.status == "running":
        narration.progress = max(0.0, min(1.0, progress))
        narration.progressed_at = utcnow()


def finish_narration(session: Session, narration_id: str, audio: FinishedAudio) -> Narration:
    """Mark a narration done and make it current unless a newer version already is."""
    narration = get_narration(session, narration_id)
    narration.status = "done"
    narration.progress = 1.0
    narration.finished_at = utcnow()
    narration.sha256 = audio.sha256
    narration.audio_key = audio.audio_key
    narration.bytes = audio.bytes
    narration.duration_s = audio.duration_s
    narration.captions_key = audio.captions_key
    narration.marks_key = audio.marks_key
    narration.chapters_key = audio.chapters_key
    article = get_article(session, narration.article_id)
    current = current_narration(session, article)
    # A slow old version finishing late must not replace a newer one.
    if current is None or current.version <= narration.version:
        article.current_narration_id = narration.id
    return narration


def fail_narration(session: Session, narration_id: str, code: str, message: str) -> Narration:
    """Mark a narration failed with a stable error code; the article keeps its current audio."""
    narration = get_narration(session, narration_id)
    narration.status = "failed"
    narration.finished_at = utcnow()
    narration.error_code = code
    narration.error_message = message[:2000]
    return narration


def find_by_external_id(
    session: Session, feed: str | None, external_id: str, project: str = DEFAULT_PROJECT
) -> Article | None:
    """The article a publisher knows by `external_id` in `feed` (None = no feed)."""
    feed_clause = Article.feed.is_(None) if feed is None else Article.feed == feed
    return session.scalar(
        select(Article).where(feed_clause, Article.external_id == external_id, Article.project_id == project)
    )


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
) -> Narration | None:
    """Store an edited article; queue a new narration only when its spoken content changed."""
    changed = spoken_content_changed(article, document, voice, language, section_voices)
    voice_changed = article.voice != voice
    narrates = would_narrate(session, article, document, voice, language, section_voices)
    article.source_kind, article.source = source_kind, source
    article.byline = document.byline
    if not narrates:
        return None
    article.title = document.title
    article.blocks = blocks_of(document)
    article.voice, article.language = voice, language
    article.section_voices = dict(section_voices or {})
    article.updated_at = utcnow()
    reason = "voice" if voice_changed else ("edited" if changed else "retried")
    return add_narration(session, article, voice=voice, priority=priority, reason=reason, asr_review=asr_review)


def list_narrations(session: Session, article_id: str) -> list[Narration]:
    """Every narration version of an article, newest first."""
    return list(
        session.scalars(select(Narration).where(Narration.article_id == article_id).order_by(Narration.version.desc()))
    )


def stored_keys(narration: Narration) -> list[str]:
    """The storage keys of a narration's files."""
    keys = (narration.audio_key, narration.captions_key, narration.marks_key, narration.chapters_key)
    return [k for k in keys if k]


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
    return sorted(keys - still_used)
