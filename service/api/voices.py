"""/v1/voices: the voice catalog."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from service.api.deps import get_settings
from service.api.schemas import VoiceOut
from service.settings import Settings
from service.voices import load_catalog

router = APIRouter(prefix="/v1/voices", tags=["voices"])


@router.get("", response_model=list[VoiceOut])
def list_voices(settings: Settings = Depends(get_settings)) -> list[VoiceOut]:
    """Every voice in the catalog; `default` marks the one used when none is named."""
    return [
        VoiceOut(
            id=v.id, name=v.name, engine=v.engine, language=v.language, license=v.license,
            sample_text=v.sample_text, default=v.id == settings.default_voice,
        )
        for v in load_catalog(settings.voices_dir).values()
    ]
