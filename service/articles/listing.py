"""The editors' list of articles: each with its latest narration, searched and filtered, newest change first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from service.core.models import Article, Narration

STATUSES = ("queued", "running", "done", "failed")
PAGE_SIZE = 50


@dataclass(frozen=True)
class ArticleRow:
    """One line of the list: the article and its newest narration (None: never narrated)."""

    article: Article
    latest: Narration | None

    @property
    def status(self) -> str:
        return self.latest.status if self.latest else "none"

    @property
    def changed_at(self) -> datetime:
        """The last change: the article's edit or its newest narration's finish, start or creation."""
        moments = [self.article.updated_at]
        if self.latest is not None:
            moments += [m for m in (self.latest.finished_at, self.latest.started_at, self.latest.created_at) if m]
        return max(moments)


def list_articles(
    session: Session,
    project: str,
    *,
    search: str = "",
    status: str | None = None,
    feed: str | None = None,
    limit: int = PAGE_SIZE,
) -> list[ArticleRow]:
    """The project's articles, most recently changed first.

    `search` matches the title, external id or URL (case-insensitive); `status` the
    latest narration's status; `feed` a feed slug ("" = articles in no feed).
    """
    newest = (
        select(Narration.article_id, func.max(Narration.version).label("version"))
        .group_by(Narration.article_id)
        .subquery()
    )
    latest = aliased(Narration)
    query = (
        select(Article, latest)
        .where(Article.project_id == project)
        .outerjoin(newest, newest.c.article_id == Article.id)
        .outerjoin(latest, (latest.article_id == Article.id) & (latest.version == newest.c.version))
        .order_by(Article.updated_at.desc(), Article.id)
        .limit(limit)
    )
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Article.title).like(pattern),
                func.lower(Article.external_id).like(pattern),
                (Article.source_kind == "url") & func.lower(Article.source).like(pattern),
            )
        )
    if status in STATUSES:
        query = query.where(latest.status == status)
    if feed is not None:
        query = query.where(Article.feed.is_(None) if feed == "" else Article.feed == feed)
    return [ArticleRow(article, narration) for article, narration in session.execute(query).all()]
