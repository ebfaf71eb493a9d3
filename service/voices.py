"""The voice catalog: one TOML file per voice in `voices/`, validated on load.

Both the API (to list and check voices) and the workers (to load engines) read
it; it names model files but never loads them.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from service.errors import UnknownVoice


class ModelSource(BaseModel):
    """Where a voice's model lives: a file inside an installed package, or a path."""

    model_config = ConfigDict(extra="forbid")
    package: str | None = None
    file: str | None = None
    path: Path | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "ModelSource":
        if bool(self.package) == bool(self.path):
            raise ValueError("give exactly one of 'package' (with 'file') or 'path'")
        if self.package and not self.file:
            raise ValueError("'package' needs 'file'")
        return self


class Pauses(BaseModel):
    """Silence inserted between structural units, in milliseconds."""

    model_config = ConfigDict(extra="forbid")
    sentence_ms: int = Field(default=250, ge=0, le=5000)
    paragraph_ms: int = Field(default=700, ge=0, le=10000)
    heading_ms: int = Field(default=900, ge=0, le=10000)


class Voice(BaseModel):
    """One catalog entry."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,100}$")
    name: str
    engine: Literal["piper", "coqui"]
    language: str
    license: str
    sample_text: str
    model: ModelSource
    params: dict[str, float] = Field(default_factory=dict)
    pauses: Pauses = Field(default_factory=Pauses)


class CatalogError(ValueError):
    """A voice file is invalid; the message names the file and field."""


def load_voice_file(path: Path) -> Voice:
    """Parse and validate one voice file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Voice.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in exc.errors())
        raise CatalogError(f"{path}: {problems}") from exc


@lru_cache(maxsize=4)
def load_catalog(voices_dir: Path) -> dict[str, Voice]:
    """Every voice in `voices_dir`, by id; raises `CatalogError` on the first bad file."""
    voices: dict[str, Voice] = {}
    for path in sorted(voices_dir.glob("*.toml")):
        voice = load_voice_file(path)
        if voice.id in voices:
            raise CatalogError(f"{path}: id {voice.id!r} is already used by another voice file")
        voices[voice.id] = voice
    return voices


def get_voice(voices_dir: Path, voice_id: str) -> Voice:
    """The catalog entry for `voice_id`, or `UnknownVoice`."""
    catalog = load_catalog(voices_dir)
    try:
        return catalog[voice_id]
    except KeyError:
        raise UnknownVoice(f"Unknown voice {voice_id!r}; known voices: {', '.join(sorted(catalog))}") from None
