"""POST /v1/audio/speech: OpenAI-compatible direct synthesis, streamed as it is made.

Works with the official `openai` client (`base_url` pointed here). The text is
split into paragraphs that go through the segment cache like any article
(service/listeners/speech.py), so repeated requests are instant and long
inputs use every worker.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from service.api.auth import ArticlesWrite
from service.api.deps import (
    QueueDep,
    SessionDep,
    SettingsDep,
    StorageDep,
)
from service.audio.codecs import AAC, FLAC, OPUS, CodecStream
from service.audio.stream import Mp3Stream, PcmStream, StreamEncoder, WavStream
from service.core.errors import EmptyText
from service.core.settings import Settings
from service.core.voices import Voice, catalog_dirs, get_voice, load_catalog
from service.document import lexicon
from service.listeners.speech import speak

router = APIRouter(prefix="/v1/audio", tags=["speech"])

# OpenAI's built-in voice names: accepted so existing clients work unchanged; they speak with the default voice.
OPENAI_VOICES = frozenset(
    {"alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"}
)


class SpeechRequest(BaseModel):
    """The OpenAI `audio/speech` request body."""

    model_config = ConfigDict(extra="ignore")  # e.g. `instructions`, `stream_format`: accepted, not used
    model: str = Field(min_length=1, max_length=100)
    input: str = Field(max_length=4096)
    voice: str = Field(min_length=1, max_length=100)
    response_format: Literal["mp3", "wav", "pcm", "opus", "aac", "flac"] = "mp3"
    speed: float = Field(default=1.0, ge=0.25, le=4.0)


def _voice(name: str, settings: Settings) -> Voice:
    dirs = catalog_dirs(settings)
    if name not in load_catalog(dirs) and name in OPENAI_VOICES:
        name = settings.default_voice
    return get_voice(dirs, name)


# OpenAI's compressed formats: FFmpeg's encoders through PyAV (service/audio/codecs.py).
CODECS = {"opus": OPUS, "aac": AAC, "flac": FLAC}


def _encoder(response_format: str, settings: Settings) -> StreamEncoder:
    if response_format == "mp3":
        return Mp3Stream(settings.mp3_bitrate_kbps, settings.output_sample_rate)
    if response_format == "wav":
        return WavStream()
    if response_format == "pcm":
        return PcmStream(24000)
    return CodecStream(CODECS[response_format])


@router.post("/speech", response_class=StreamingResponse)
def speech(
    body: SpeechRequest,
    principal: ArticlesWrite,
    session: SessionDep,
    queue: QueueDep,
    settings: SettingsDep,
    storage: StorageDep,
) -> StreamingResponse:
    """Speak `input` with `voice` at `speed`; the body streams as paragraphs are synthesized."""
    encoder = _encoder(body.response_format, settings)
    voice = _voice(body.voice, settings)
    if not body.input.strip():
        raise EmptyText("'input' is empty")
    pronunciations = lexicon.pronunciations(
        session, None, defaults=None if settings.default_lexicon else {}, project=principal.project_id
    )
    stream = speak(session, queue, settings, storage, body.input, voice, pronunciations, encoder, speed=body.speed)
    return StreamingResponse(stream, media_type=encoder.media_type, headers={"Cache-Control": "no-store"})
