"""/v1/sources: publishers' feeds and sitemaps, polled for articles to narrate (service/sources)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.api.auth import ArticlesRead, SourcesWrite
from service.api.deps import SessionDep, SettingsDep
from service.api.schemas import SourceCreate, SourceItemOut, SourceItemsOut, SourceOut
from service.core.models import Source
from service.sources import records
from service.sources.records import ItemCounts
from service.sources.register import register_source

router = APIRouter(prefix="/v1/sources", tags=["sources"])


def source_out(source: Source, counts: ItemCounts) -> SourceOut:
    error = (
        {"code": source.last_error_code, "message": source.last_error_message or ""} if source.last_error_code else None
    )
    return SourceOut(
        id=source.id,
        url=source.url,
        kind=source.kind,
        feed=source.feed,
        voice=source.voice,
        section_voices=source.section_voices,
        priority=source.priority,
        include=source.include,
        exclude=source.exclude,
        interval_s=source.interval_s,
        first_poll_newest=source.first_poll_newest,
        backfill=source.backfill,
        formats=source.formats,
        paused=source.paused,
        next_poll_at=source.next_poll_at,
        last_poll_at=source.last_poll_at,
        last_success_at=source.last_success_at,
        last_error=error,
        failures=source.failures,
        created_at=source.created_at,
        items=SourceItemsOut(**vars(counts)),
    )


def _one(session: SessionDep, source: Source) -> SourceOut:
    return source_out(source, records.item_counts(session, [source.id])[source.id])


@router.post("", status_code=201, response_model=SourceOut)
def create_source(
    body: SourceCreate, principal: SourcesWrite, session: SessionDep, settings: SettingsDep, response: Response
) -> SourceOut:
    """Register a feed or sitemap; the next dispatcher pass polls it (then every `interval_s`)."""
    source = register_source(session, body.spec(), settings, principal.project_id)
    session.commit()
    response.headers["Location"] = f"/v1/sources/{source.id}"
    return _one(session, source)


@router.get("", response_model=list[SourceOut])
def list_sources(session: SessionDep, principal: ArticlesRead) -> list[SourceOut]:
    """Every source of the project with its last poll, last error and item counts."""
    sources = records.list_sources(session, principal.project_id)
    counts = records.item_counts(session, [s.id for s in sources])
    return [source_out(s, counts[s.id]) for s in sources]


@router.get("/{source_id}", response_model=SourceOut)
def get_source(source_id: str, session: SessionDep, principal: ArticlesRead) -> SourceOut:
    """One source with its last poll, last error and item counts."""
    return _one(session, records.get_source(session, source_id, principal.project_id))


@router.get("/{source_id}/items", response_model=list[SourceItemOut])
def list_source_items(source_id: str, session: SessionDep, principal: ArticlesRead) -> list[SourceItemOut]:
    """The items the source listed, most recently changed first: status, why, and the article made."""
    source = records.get_source(session, source_id, principal.project_id)
    return [
        SourceItemOut(
            guid=item.guid,
            url=item.url,
            canonical_url=item.canonical_url,
            date=item.item_date,
            status=item.status,
            reason=item.reason,
            article_id=item.article_id,
            first_seen_at=item.first_seen_at,
            updated_at=item.updated_at,
        )
        for item in records.list_items(session, source)
    ]


@router.post("/{source_id}/pause", response_model=SourceOut)
def pause_source(source_id: str, session: SessionDep, principal: SourcesWrite) -> SourceOut:
    """Stop polling the source (its items and articles stay)."""
    source = records.set_paused(session, records.get_source(session, source_id, principal.project_id), True)
    session.commit()
    return _one(session, source)


@router.post("/{source_id}/resume", response_model=SourceOut)
def resume_source(source_id: str, session: SessionDep, principal: SourcesWrite) -> SourceOut:
    """Poll the source again, starting now."""
    source = records.set_paused(session, records.get_source(session, source_id, principal.project_id), False)
    session.commit()
    return _one(session, source)


@router.post("/{source_id}/poll", status_code=202, response_model=SourceOut)
def poll_source(source_id: str, session: SessionDep, settings: SettingsDep, principal: SourcesWrite) -> SourceOut:
    """Poll now: the poll is queued (through the outbox) for a worker; the source shows its outcome.

    A paused source is not polled, even on request: resume it.
    """
    source = records.get_source(session, source_id, principal.project_id)
    records.poll_now(session, source, settings)
    session.commit()
    return _one(session, source)


@router.delete("/{source_id}", status_code=204)
def delete_source(source_id: str, session: SessionDep, principal: SourcesWrite) -> Response:
    """Stop and forget the source; the articles it made stay."""
    records.delete_source(session, records.get_source(session, source_id, principal.project_id))
    session.commit()
    return Response(status_code=204)
