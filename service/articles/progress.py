"""A narration's progress as a stream of events: what GET /v1/narrations/{id}/events and the console both send."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from service.articles import records
from service.articles.records import TERMINAL_STATUSES
from service.articles.views import NarrationOut, narration_view
from service.core.db import session_scope
from service.core.settings import Settings

POLL_S = 0.5


def snapshot(settings: Settings, narration_id: str, project: str | None = None) -> NarrationOut:
    """The narration now (NotFound when it is not the project's), a private article's URLs signed."""
    with session_scope(settings.database_url) as session:
        return narration_view(session, settings, records.get_narration(session, narration_id, project))


async def narration_events(settings: Settings, first: NarrationOut) -> AsyncIterator[dict[str, str]]:
    """Server-Sent Events from `first` on: `progress` whenever status or progress changes, then `done` or `failed`.

    A terminal event's data is the whole narration JSON; a progress event's is {id, status, progress}.
    """
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
        current = await asyncio.to_thread(snapshot, settings, first.id)
