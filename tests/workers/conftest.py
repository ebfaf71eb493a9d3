"""Worker test fixtures: the silent test engine, for tests of what surrounds synthesis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.core.settings import Settings
from service.core.voices import clear_catalog_cache
from workers.synthesis import silent

TEST_VOICES = Path(__file__).resolve().parents[1] / "voices"


@pytest.fixture
def silent_settings(tmp_path: Path) -> Iterator[Settings]:
    """Settings whose default voice is the silent test engine (the shipped voices stay in the catalog).

    For fan-out, cache, parts and timeline tests that do not test the voice itself.
    """
    clear_catalog_cache()
    with silent.installed():
        yield Settings(data_dir=tmp_path / "data", extra_voices_dir=TEST_VOICES, default_voice=silent.NAME)
    clear_catalog_cache()
