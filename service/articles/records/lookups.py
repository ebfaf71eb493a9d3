"""Finding articles and narrations (in a project when one is given); `NotFound` when there is none."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core.errors import NotFound
from service.core.models import DEFAULT_PROJECT, Article, Narration


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


def find_by_external_id(
    session: Session, feed: str | None, external_id: str, project: str = DEFAULT_PROJECT
) -> Article | None:
    """The article a publisher knows by `external_id` in `feed` (None = no feed)."""
    feed_clause = Article.feed.is_(None) if feed is None else Article.feed == feed
    return session.scalar(
        select(Article).where(feed_clause, Article.external_id == external_id, Article.project_id == project)
    )


def list_narrations(session: Session, article_id: str) -> list[Narration]:
    """Every narration version of an article, newest first."""
    return list(
        session.scalars(select(Narration).where(Narration.article_id == article_id).order_by(Narration.version.desc()))
    )


def stored_keys(narration: Narration) -> list[str]:
    """The storage keys of a narration's files."""
    keys = (narration.audio_key, narration.captions_key, narration.marks_key, narration.chapters_key)
    return [k for k in keys if k] + [f.key for f in narration.files]
