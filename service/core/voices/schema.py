"""A voice file's schema: the engine it names, its model, parameters, pauses and language, validated.

Relative paths in a voice file (`model.path`, `model.config`, `reference`) are
relative to that voice file, so a catalog directory can carry its own models
and reference clips and be mounted anywhere.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

if TYPE_CHECKING:
    pass

EngineName = Literal["piper", "coqui"]  # and, in tests only, the TEST_ENGINES below
Device = Literal["cpu", "cuda"]

# The synthesis knobs each engine understands; anything else in [params] is a
# typo that would otherwise be silently ignored.
ENGINE_PARAMS: dict[str, frozenset[str]] = {
    "piper": frozenset({"length_scale", "noise_scale", "noise_w_scale"}),
    "coqui": frozenset(
        {
            "speed",  # XTTS: speaking rate (1.0 = as trained)
            "length_scale",  # VITS: >1 slower, <1 faster
            "noise_scale",  # VITS: variation of the voice
            "noise_scale_dp",  # VITS: variation of the durations
            "temperature",  # XTTS sampling
            "top_k",
            "top_p",
            "repetition_penalty",
            "length_penalty",
        }
    ),
}

# Engines that exist for tests only (workers/synthesis/silent.py): a catalog may
# name one only in a process that enabled it, which production never does.
TEST_ENGINES: dict[str, frozenset[str]] = {
    "silent": frozenset({"length_scale", "sample_rate"}),
}
_enabled_test_engines: set[str] = set()


def enable_test_engine(name: str, enabled: bool = True) -> None:
    """Let (or stop letting) voices of this process name the test engine `name`."""
    if name not in TEST_ENGINES:
        raise ValueError(f"{name!r} is not a test engine")
    if enabled:
        _enabled_test_engines.add(name)
    else:
        _enabled_test_engines.discard(name)


REFERENCE_SUFFIXES = frozenset({".wav", ".flac", ".mp3", ".ogg"})


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


def _resolve(value: Path | None, info: ValidationInfo) -> Path | None:
    """`value` made absolute against the voice file's directory (when loading from a file)."""
    if value is None:
        return None
    path = value.expanduser()
    base: Path | None = _context(info).get("base_dir")
    if not path.is_absolute() and base is not None:
        path = (base / path).resolve()
    return path


def _must_exist(path: Path | None, info: ValidationInfo, what: str) -> None:
    if path is not None and _context(info).get("check_files") and not path.exists():
        raise ValueError(f"{what} {path} does not exist")


class ModelSource(BaseModel):
    """Where a voice's model lives: exactly one of a package resource, a path or a coqui model name.

    - `package` + `file`: a file shipped inside an installed Python package (Piper's joe voice).
    - `path`: a model file (Piper `.onnx`, Coqui `.pth`) or a Coqui model directory; with
      `config` when the config is not the usual sibling (`<model>.onnx.json` / `config.json`).
    - `name`: a Coqui model-manager name (`tts_models/...`), downloaded on first use
      where the network allows.
    """

    model_config = ConfigDict(extra="forbid")
    package: str | None = None
    file: str | None = None
    path: Path | None = None
    config: Path | None = None
    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){3}$")

    @field_validator("path", "config")
    @classmethod
    def _resolve_and_check(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        path = _resolve(value, info)
        _must_exist(path, info, f"model {info.field_name}")
        return path

    @model_validator(mode="after")
    def _one_source(self) -> ModelSource:
        given = [key for key in ("package", "path", "name") if getattr(self, key)]
        if len(given) != 1:
            raise ValueError("give exactly one of 'package' (with 'file'), 'path' or 'name'")
        if self.package and not self.file:
            raise ValueError("'package' needs 'file'")
        if self.file and not self.package:
            raise ValueError("'file' only goes with 'package'")
        if self.config and not self.path:
            raise ValueError("'config' only goes with 'path'")
        return self


class Pauses(BaseModel):
    """Silence inserted between structural units, in milliseconds (the rule: service/segments/pauses.py)."""

    model_config = ConfigDict(extra="forbid")
    sentence_ms: int = Field(default=250, ge=0, le=5000)
    paragraph_ms: int = Field(default=700, ge=0, le=10000)
    heading_ms: int = Field(default=900, ge=0, le=10000)


class Voice(BaseModel):
    """One catalog entry.

    `speaker` picks a speaker of a multi-speaker model (a name, or a Piper speaker
    number); `reference` is an XTTS speaker reference clip; `device` asks for the
    GPU (`cuda`), used only where one exists.
    """

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,100}$")
    name: str = Field(min_length=1)
    engine: EngineName
    language: str = Field(pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
    license: str
    sample_text: str = Field(min_length=1, max_length=1000)
    model: ModelSource
    speaker: str | None = Field(default=None, min_length=1)
    reference: Path | None = None
    device: Device = "cpu"
    params: dict[str, float] = Field(default_factory=dict)
    pauses: Pauses = Field(default_factory=Pauses)

    _source: Path | None = PrivateAttr(default=None)
    _fingerprint: str | None = PrivateAttr(default=None)
    _reference_digest: str | None = PrivateAttr(default=None)

    @field_validator("engine", mode="wrap")
    @classmethod
    def _test_engine(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """A test engine where a test enabled it; elsewhere the field takes 'piper' or 'coqui' only."""
        if isinstance(value, str) and value in _enabled_test_engines:
            return value
        return handler(value)

    @field_validator("reference")
    @classmethod
    def _resolve_reference(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        path = _resolve(value, info)
        if path is not None and path.suffix.lower() not in REFERENCE_SUFFIXES:
            raise ValueError(f"a reference clip must be one of {', '.join(sorted(REFERENCE_SUFFIXES))}")
        _must_exist(path, info, "reference clip")
        return path

    @model_validator(mode="after")
    def _fits_engine(self) -> Voice:
        known_params = TEST_ENGINES[self.engine] if self.engine in TEST_ENGINES else ENGINE_PARAMS[self.engine]
        unknown = sorted(set(self.params) - known_params)
        if unknown:
            known = ", ".join(sorted(known_params))
            raise ValueError(f"params {', '.join(unknown)} are not {self.engine} parameters (known: {known})")
        if self.engine == "piper":
            self._check_piper()
        elif self.engine == "coqui" and self.model.package:
            raise ValueError("coqui voices take model.path (a .pth file or a model directory) or model.name")
        return self

    def _check_piper(self) -> None:
        if self.model.name:
            raise ValueError("model.name is a coqui model-manager name; piper voices take model.package or model.path")
        if self.reference is not None:
            raise ValueError("reference clips are for coqui XTTS voices; piper voices pick a 'speaker'")
        if self.device != "cpu":
            raise ValueError("piper voices run on the CPU (onnxruntime); 'device' applies to coqui voices")
        if self.model.path is not None:
            if self.model.path.suffix != ".onnx":
                raise ValueError(f"model.path of a piper voice must be an .onnx file, not {self.model.path.name}")
            config = self.model.config or self.model.path.with_name(self.model.path.name + ".json")
            if self.model.path.exists() and not config.exists():
                raise ValueError(f"model.path: the piper config {config} is missing (expected beside the model)")

    @property
    def source_file(self) -> Path | None:
        """The voice file this entry was read from (None when built in code)."""
        return self._source

    @property
    def reference_digest(self) -> str | None:
        """SHA-256 of the reference clip's bytes (None without a clip, or when built in code)."""
        return self._reference_digest

    @property
    def fingerprint(self) -> str:
        """A hash that changes when the voice file or its reference clip changes.

        Caches of what a voice said (its sample, in time segments) key on it.
        Model weights are not hashed (gigabytes); replace a model under a new path.
        """
        if self._fingerprint is None:
            self._fingerprint = hashlib.sha256(self.model_dump_json().encode()).hexdigest()
        return self._fingerprint
