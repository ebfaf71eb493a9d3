"""/v1/lexicon/entries: pronunciation entries; a change answers which articles it affects."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from service.api.auth import ArticlesRead, LexiconWrite
from service.api.deps import QueueDep, SessionDep, SettingsDep
from service.api.schemas import RequestBody
from service.articles import lexicon_changes
from service.articles.lexicon_changes import LexiconChange
from service.core.models import LexiconEntry
from service.document import lexicon
from service.listeners.feeds.records import check_feed_owner

router = APIRouter(prefix="/v1/lexicon", tags=["lexicon"])


class EntryIn(RequestBody):
    model_config = ConfigDict(extra="forbid")
    alias: str | None = Field(default=None, max_length=500)
    ipa: str | None = Field(default=None, max_length=500)


class EntryOut(BaseModel):
    term: str
    feed: str | None
    alias: str | None
    ipa: str | None
    version: int

    @classmethod
    def of(cls, e: LexiconEntry) -> EntryOut:
        return cls(
            term=e.term,
            feed=None if e.scope.startswith(lexicon.GLOBAL) else e.scope,  # "*" or "*<project>": global
            alias=e.alias,
            ipa=e.ipa,
            version=e.version,
        )


class AffectedArticle(BaseModel):
    id: str
    title: str | None
    narration_id: str | None = None


class ChangeOut(BaseModel):
    entry: EntryOut
    lexicon_version: str
    affected_articles: list[AffectedArticle]
    renarrated: bool


FeedQuery = Query(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,99}$", description="a feed slug; none = global")


@router.get("/entries", response_model=list[EntryOut])
def list_entries(
    session: SessionDep,
    principal: ArticlesRead,
    feed: str | None = FeedQuery,
) -> list[EntryOut]:
    """The entries of the global lexicon, or of one feed's."""
    check_feed_owner(session, feed, principal.project_id)
    return [EntryOut.of(e) for e in lexicon.list_entries(session, feed, principal.project_id)]


def _out(change: LexiconChange) -> ChangeOut:
    return ChangeOut(
        entry=EntryOut.of(change.entry),
        lexicon_version=change.lexicon_version,
        affected_articles=[
            AffectedArticle(id=a.article.id, title=a.article.title, narration_id=a.narration_id)
            for a in change.affected
        ],
        renarrated=change.renarrated,
    )


@router.put("/entries/{term}", response_model=ChangeOut)
def put_entry(
    term: str,
    body: EntryIn,
    principal: LexiconWrite,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
    feed: str | None = FeedQuery,
    renarrate_affected: bool = Query(default=False, alias="renarrate", description="re-narrate the affected articles"),
) -> ChangeOut:
    """Create or replace a pronunciation; lists affected articles and re-narrates them with `?renarrate=true`."""
    check_feed_owner(session, feed, principal.project_id)
    change = lexicon_changes.save_entry(
        session,
        queue,
        settings,
        feed,
        term,
        alias=body.alias,
        ipa=body.ipa,
        renarrate_affected=renarrate_affected,
        project=principal.project_id,
    )
    return _out(change)


@router.delete("/entries/{term}", response_model=ChangeOut)
def delete_entry(
    term: str,
    principal: LexiconWrite,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
    feed: str | None = FeedQuery,
    renarrate_affected: bool = Query(default=False, alias="renarrate"),
) -> ChangeOut:
    """Remove a pronunciation; lists affected articles and re-narrates them with `?renarrate=true`."""
    check_feed_owner(session, feed, principal.project_id)
    change = lexicon_changes.remove_entry(
        session, queue, settings, feed, term, renarrate_affected=renarrate_affected, project=principal.project_id
    )
    return _out(change)
