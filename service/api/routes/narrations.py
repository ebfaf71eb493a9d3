"""/v1/narrations: status and progress of one narration, polled or streamed (SSE)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from sse_starlette.sse import EventSourceResponse

from service.api.auth import ArticlesRead
from service.api.deps import SessionDep, SettingsDep
from service.articles import progress, records
from service.articles.views import NarrationOut, narration_view

router = APIRouter(prefix="/v1/narrations", tags=["narrations"])


@router.get("/{narration_id}", response_model=NarrationOut)
def get_narration(
    narration_id: str, session: SessionDep, settings: SettingsDep, principal: ArticlesRead
) -> NarrationOut:
    """Status (queued | running | done | failed), progress 0..1, error and timings."""
    return narration_view(session, settings, records.get_narration(session, narration_id, principal.project_id))


@router.get("/{narration_id}/events")
async def narration_events(narration_id: str, settings: SettingsDep, principal: ArticlesRead) -> EventSourceResponse:
    """Server-Sent Events: `progress` whenever status or progress changes, then `done` or `failed`, then the end.

    Each event's data is the narration JSON of GET /v1/narrations/{id}.
    """
    first = await run_in_threadpool(
        progress.snapshot, settings, narration_id, principal.project_id
    )  # 404 before the stream
    return EventSourceResponse(progress.narration_events(settings, first), ping=15)
