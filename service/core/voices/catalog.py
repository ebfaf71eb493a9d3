"""The catalog: every voice file of the catalog directories, loaded once, looked up by id."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from service.core.errors import NarratorError, UnknownVoice
from service.core.voices.schema import Voice

if TYPE_CHECKING:
    from service.core.settings import Settings


class CatalogError(NarratorError, ValueError):
    """A voice file is invalid; the message names the file and field."""

    code, status, title = "voice_catalog_invalid", 500, "The voice catalog is invalid"


def _file_fingerprint(raw: bytes, reference_digest: str | None) -> str:
    digest = hashlib.sha256(raw)
    if reference_digest is not None:
        digest.update(f"\0reference\0{reference_digest}".encode())
    return digest.hexdigest()


def load_voice_file(path: Path) -> Voice:
    """Parse and validate one voice file; relative paths in it are relative to it."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
        voice = Voice.model_validate(data, context={"base_dir": path.parent.resolve(), "check_files": True})
        if voice.reference is not None:
            voice._reference_digest = hashlib.sha256(voice.reference.read_bytes()).hexdigest()
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise CatalogError(f"{path}: {problems}") from exc
    voice._source = path.resolve()
    voice._fingerprint = _file_fingerprint(raw, voice._reference_digest)
    return voice


def _as_dirs(voices_dirs: Path | Iterable[Path]) -> tuple[Path, ...]:
    return (voices_dirs,) if isinstance(voices_dirs, Path) else tuple(voices_dirs)


def load_catalog(voices_dirs: Path | Sequence[Path]) -> dict[str, Voice]:
    """Every voice in the catalog directories, by id; raises `CatalogError` on the first bad file.

    Read once per process per set of directories (restart to pick up changes).
    """
    return _load_catalog(_as_dirs(voices_dirs))


@lru_cache(maxsize=8)
def _load_catalog(voices_dirs: tuple[Path, ...]) -> dict[str, Voice]:
    voices: dict[str, Voice] = {}
    for directory in voices_dirs:
        if not directory.is_dir():
            raise CatalogError(f"{directory}: the voice catalog directory does not exist")
        for path in sorted(directory.glob("*.toml")):
            voice = load_voice_file(path)
            if voice.id in voices:
                other = voices[voice.id].source_file
                # An id is a published name: a second file must not silently replace it.
                raise CatalogError(f"{path}: id {voice.id!r} is already used by {other}")
            voices[voice.id] = voice
    return voices


def clear_catalog_cache() -> None:
    """Forget loaded catalogs (tests; an operator's reload would call this too)."""
    _load_catalog.cache_clear()


def catalog_dirs(settings: Settings) -> tuple[Path, ...]:
    """The catalog directories of a deployment: the shipped one, then the operator's own.

    `extra_voices_dir` (NARRATOR_EXTRA_VOICES_DIR) holds voices an operator adds
    without touching the shipped files; it is read with getattr so this works
    before and after that setting exists.
    """
    extra: Path | None = getattr(settings, "extra_voices_dir", None)
    dirs = [settings.voices_dir]
    if extra is not None and Path(extra).resolve() != settings.voices_dir.resolve():
        dirs.append(Path(extra))
    return tuple(dirs)


def get_voice(voices_dirs: Path | Sequence[Path], voice_id: str) -> Voice:
    """The catalog entry for `voice_id`, or `UnknownVoice`."""
    catalog = load_catalog(voices_dirs)
    try:
        return catalog[voice_id]
    except KeyError:
        raise UnknownVoice(f"Unknown voice {voice_id!r}; known voices: {', '.join(sorted(catalog))}") from None
