"""The voice catalog: one TOML file per voice, validated on load.

Both the API (to list and check voices) and the workers (to load engines) read
it; it names model files but never loads them, and never imports an engine.

Relative paths in a voice file (`model.path`, `model.config`, `reference`) are
relative to that voice file, so a catalog directory can carry its own models
and reference clips and be mounted anywhere.

A catalog may span several directories (the shipped `voices/` plus an
operator's own, see `catalog_dirs`); an id may be defined only once across them.

`schema.py` validates one voice file; `catalog.py` loads the directories and
looks voices up.
"""

from service.core.voices.catalog import (
    CatalogError,
    catalog_dirs,
    clear_catalog_cache,
    get_voice,
    load_catalog,
    load_voice_file,
)
from service.core.voices.schema import (
    ENGINE_PARAMS,
    REFERENCE_SUFFIXES,
    TEST_ENGINES,
    Device,
    EngineName,
    ModelSource,
    Pauses,
    Voice,
    enable_test_engine,
)

__all__ = [
    "ENGINE_PARAMS",
    "REFERENCE_SUFFIXES",
    "TEST_ENGINES",
    "CatalogError",
    "Device",
    "EngineName",
    "ModelSource",
    "Pauses",
    "Voice",
    "catalog_dirs",
    "clear_catalog_cache",
    "enable_test_engine",
    "get_voice",
    "load_catalog",
    "load_voice_file",
]
