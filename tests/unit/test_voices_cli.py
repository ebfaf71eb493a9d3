"""`narrator voices`: the catalog on a terminal, as JSON, and a broken catalog named."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from service.core.settings import Settings
from service.core.voices import clear_catalog_cache
from workers.cli.commands.voices import list_voices as cmd_voices


@pytest.fixture(autouse=True)
def _fresh_catalogs() -> None:
    clear_catalog_cache()


def test_voices_lists_joe_as_the_default(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cmd_voices(argparse.Namespace(json=False), settings) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("en_US-joe-medium"))
    assert line.split("\t")[:3] == ["en_US-joe-medium", "piper", "en-US"]
    assert line.endswith("(default)")


def test_voices_as_json_says_where_each_voice_comes_from(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cmd_voices(argparse.Namespace(json=True), settings) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    joe = rows["en_US-joe-medium"]
    assert joe["default"] is True and joe["engine_installed"] is True
    assert joe["file"].endswith("voices/en_US-joe-medium.toml")


def test_a_broken_catalog_is_reported_with_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.toml").write_text("id = ")
    settings = Settings(data_dir=tmp_path / "data", voices_dir=tmp_path)
    assert cmd_voices(argparse.Namespace(json=False), settings) == 2
    assert "bad.toml: not valid TOML" in capsys.readouterr().err
