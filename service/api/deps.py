"""FastAPI dependencies: settings, a DB session, the queue and storage.

Tests replace these with `app.dependency_overrides` (no patching of internals).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from service.core.db import session_factory
from service.core.queue import CeleryQueue, NarrationQueue
from service.core.settings import Settings
from service.core.settings import get_settings as _process_settings
from service.core.storage import Storage, storage_for


def get_settings() -> Settings:
    return _process_settings()


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    """One session per request; committed by the route that writes."""
    session = session_factory(settings.database_url)()
    try:
        yield session
    finally:
        session.close()


_queues: dict[str, CeleryQueue] = {}


def get_queue(settings: SettingsDep) -> NarrationQueue:
    """The Celery queue for the configured broker, one per broker URL per process."""
    queue = _queues.get(settings.broker_url)
    if queue is None:
        queue = _queues[settings.broker_url] = CeleryQueue(settings)
    return queue


def get_storage(settings: SettingsDep) -> Storage:
    return storage_for(settings)


SessionDep = Annotated[Session, Depends(get_session)]
QueueDep = Annotated[NarrationQueue, Depends(get_queue)]
StorageDep = Annotated[Storage, Depends(get_storage)]
