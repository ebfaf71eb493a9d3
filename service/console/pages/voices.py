"""Console page: the voice catalog, each voice's sample to play, and voices compared side by side."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse

from service.api.deps import SettingsDep
from service.console.session import ConsoleRead
from service.console.templating import render
from service.core.voices import catalog_dirs, load_catalog

router = APIRouter()

MAX_COMPARED = 4  # side by side still fits a desktop row; at 360 px they stack


def sample_url(voice_id: str) -> str:
    """Where a voice's sample is heard: the public API route (307 to the file, 202 while a worker makes it)."""
    return f"/v1/voices/{voice_id}/sample.mp3"


@router.get("/voices", response_class=HTMLResponse)
def voices_page(
    request: Request,
    user: ConsoleRead,
    settings: SettingsDep,
    compare: Annotated[list[str] | None, Query()] = None,
) -> HTMLResponse:
    """Every voice with its sample; `compare` (repeated, up to four) puts those voices side by side."""
    catalog = load_catalog(catalog_dirs(settings))
    asked = compare or []
    wanted = list(dict.fromkeys(v for v in asked if v in catalog))[:MAX_COMPARED]
    unknown = [v for v in asked if v not in catalog]
    return render(
        request,
        settings,
        "voices/list.html",
        user=user,
        session=user.session,
        title="Voices",
        voices=list(catalog.values()),
        default_voice=settings.default_voice,
        compared=[catalog[v] for v in wanted],
        unknown=unknown,
        max_compared=MAX_COMPARED,
        sample_url=sample_url,
    )
