"""Shared fixtures: settings in a temporary data dir, services on free ports."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
EXAMPLES = SHARED / "examples"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded-default settings rooted in a fresh temporary directory."""
    return Settings(data_dir=tmp_path / "data")
