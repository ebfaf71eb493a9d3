"""/v1/narrations: status and progress of one narration, polled or streamed (SSE)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from sse_starlette.sse import EventSourceResponse

from service.api.auth import ArticlesRead
from service.api.deps import SessionDep, SettingsDep
from service.articles import records
from service.articles.records import TERMINAL_STATUSES
from service.articles.views import NarrationOut, narration_view
from service.core.db import session_scope
from service.core.settings import Settings

router = APIRouter(prefix="/v1/narrations", tags=["narrations"])

POLL_S = 0.5


@router.get("/{narration_id}", response_model=NarrationOut)
def get_narration(
    narration_id: str, session: SessionDep, settings: SettingsDep, principal: ArticlesRead
) -> NarrationOut:
    """Status (queued | running | done | failed), progress 0..1, error and timings."""
    return narration_view(session, settings, records.get_narration(session, narration_id, principal.project_id))


def _snapshot(settings: Settings, narration_id: str, project: str | None = None) -> NarrationOut:
    with session_scope(settings.database_url) as session:
        return narration_view(session, settings, records.get_narration(session, narration_id, project))


@router.get("/{narration_id}/events")
async def narration_events(narration_id: str, settings: SettingsDep, principal: ArticlesRead) -> EventSourceResponse:
    """Server-Sent Events: `progress` whenever status or progress changes, then `done` or `failed`, then the end.

    Each event's data is the narration JSON of GET /v1/narrations/{id}.
    """
    first = await run_in_threadpool(_snapshot, settings, narration_id, principal.project_id)  # 404 before the stream

    async def events() -> AsyncIterator[dict[str, str]]:
        current, last = first, None
        while True:
            seen = (current.status, round(current.progress, 3))
            if current.status in TERMINAL_STATUSES:
                yield {"event": current.status, "id": current.status, "data": current.model_dump_json()}
                return
            if seen != last:
                yield {
                    "event": "progress",
                    "data": json.dumps({"id": current.id, "status": current.status, "progress": current.progress}),
                }
                last = seen
            await asyncio.sleep(POLL_S)
            current = await run_in_threadpool(_snapshot, settings, narration_id)

    return EventSourceResponse(events(), ping=15)
