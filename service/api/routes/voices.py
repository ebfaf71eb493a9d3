"""/v1/voices: the voice catalog and each voice's narrated sample."""

from __future__ import annotations

import time

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from service.api.auth import ArticlesRead
from service.api.deps import QueueDep, SessionDep, SettingsDep, StorageDep
from service.api.routes.media import media_redirect
from service.api.schemas import VoiceOut
from service.core import outbox
from service.core.errors import UnknownVoice, UnknownVoiceId, error_for_code
from service.core.settings import Settings
from service.core.storage import Storage
from service.core.voices import Voice, catalog_dirs, get_voice, load_catalog
from service.listeners.samples import (
    done_sample_key,
    find_sample,
    request_sample,
    retry_due,
)

router = APIRouter(prefix="/v1/voices", tags=["voices"])

# How long a sample request waits for a worker before answering 202 (a Piper
# sample takes about a second on an idle worker, so often no second request).
SAMPLE_WAIT_S = 2.0
POLL_S = 0.25
RETRY_AFTER_S = 3


class VoiceEntry(VoiceOut):
    """A catalog entry as listed: VoiceOut plus where to hear it."""

    sample_url: str
    speaker: str | None = None


def entry(voice: Voice, settings: Settings) -> VoiceEntry:
    return VoiceEntry(
        id=voice.id,
        name=voice.name,
        engine=voice.engine,
        language=voice.language,
        license=voice.license,
        sample_text=voice.sample_text,
        default=voice.id == settings.default_voice,
        sample_url=f"/v1/voices/{voice.id}/sample.mp3",
        speaker=voice.speaker,
    )


@router.get("", response_model=list[VoiceEntry])
def list_voices(settings: SettingsDep, principal: ArticlesRead) -> list[VoiceEntry]:
    """Every voice in the catalog; `default` marks the one used when none is named."""
    return [entry(v, settings) for v in load_catalog(catalog_dirs(settings)).values()]


@router.get(
    "/{voice_id}/sample.mp3",
    status_code=307,
    responses={202: {"description": "The sample is being narrated; retry after Retry-After seconds"}},
)
def voice_sample(
    voice_id: str,
    settings: SettingsDep,
    session: SessionDep,
    storage: StorageDep,
    queue: QueueDep,
    wait: float = Query(default=SAMPLE_WAIT_S, ge=0, le=10, description="seconds to wait for a worker before 202"),
) -> Response:
    """307 to the voice's narrated sample; 202 (retry later) while a worker makes it."""
    try:
        voice = get_voice(catalog_dirs(settings), voice_id)
    except UnknownVoice as exc:
        raise UnknownVoiceId(exc.message) from None
    redirect = _stored_sample(session, voice, storage)
    if redirect is not None:
        return redirect
    recorded = find_sample(session, voice)
    if recorded is not None and recorded.status == "failed" and not retry_due(recorded):
        _raise_recorded_failure(session, voice)
    dispatch_id = request_sample(session, voice)
    if dispatch_id is not None:
        # Committed with the request: a broker that is down now only delays it (the workers' dispatcher sends it).
        outbox.publish_now(session, queue, [dispatch_id])
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(POLL_S)
        session.expire_all()
        redirect = _stored_sample(session, voice, storage)
        if redirect is not None:
            return redirect
        _raise_recorded_failure(session, voice)
    return JSONResponse(
        {"status": "pending", "voice": voice.id, "retry_after_s": RETRY_AFTER_S},
        status_code=202,
        headers={"Retry-After": str(RETRY_AFTER_S), "Cache-Control": "no-store"},
    )


def _stored_sample(session: Session, voice: Voice, storage: Storage) -> RedirectResponse | None:
    key = done_sample_key(session, voice)
    if key and storage.exists(key):
        # The target changes when the voice file does, so the redirect is revalidated.
        return media_redirect(storage, key)
    return None


def _raise_recorded_failure(session: Session, voice: Voice) -> None:
    """Report a failed sample (e.g. engine_unavailable) with its own code until it is retried."""
    row = find_sample(session, voice)
    if row is None or row.status != "failed":
        return
    # The worker's code (engine_unavailable, voice_unavailable, ...) is the stable part.
    error = error_for_code(row.error_code, row.error_message or "The sample could not be narrated")
    raise error
