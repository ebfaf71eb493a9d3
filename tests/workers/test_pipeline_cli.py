"""`narrator narrate` writes the MP3 and, when asked, captions, marks and chapters; the worker links them."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from mutagen.id3 import ID3

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings, get_settings
from service.core.storage import open_storage
from service.core.voices import clear_catalog_cache
from service.document.model import Block, Document
from tests.workers.conftest import TEST_VOICES
from tests.workers.inline import narrate_inline as run_narration
from workers.cli import main
from workers.synthesis import silent

ARTICLE = "# Tide Report\n\nThe harbor opens early tomorrow.\n\n## Weather\n\nExpect light winds.\n"


def test_narrate_writes_captions_marks_and_chapters_after_an_intro(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATOR_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    source = tmp_path / "article.md"
    source.write_text(ARTICLE, encoding="utf-8")
    intro = tmp_path / "intro.wav"
    t = np.arange(44100) / 44100
    sf.write(str(intro), 0.3 * np.sin(2 * np.pi * 440 * t), 44100)
    out = tmp_path / "out"
    code = main(
        [
            "narrate",
            str(source),
            "-o",
            str(out / "a.mp3"),
            "--intro",
            str(intro),
            "--captions",
            str(out / "a.vtt"),
            "--marks",
            str(out / "marks.json"),
            "--chapters",
            str(out / "ch.json"),
        ]
    )
    get_settings.cache_clear()
    assert code == 0
    assert str(ID3(out / "a.mp3")["TIT2"]) == "Tide Report"
    vtt = (out / "a.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and "The harbor opens early tomorrow." in vtt
    marks = json.loads((out / "marks.json").read_text(encoding="utf-8"))
    # The intro (1 s, crossfaded by 0.5 s) comes first: the title is heard after it.
    assert marks[0]["value"] == "Tide Report" and marks[0]["time_ms"] >= 500
    chapters = json.loads((out / "ch.json").read_text(encoding="utf-8"))["chapters"]
    assert [c["title"] for c in chapters] == ["Tide Report", "Weather"] and chapters[0]["startTime"] == 0


def test_a_worker_narration_links_its_captions_marks_and_chapters(settings: Settings) -> None:
    document = Document(title="A short test", blocks=(Block("paragraph", "The worker reads this aloud."),))
    with session_scope(settings.database_url) as session:
        _, narration = records.create_article(
            session, document=document, source_kind="text", source="x", voice=settings.default_voice, feed="city"
        )
        narration_id = narration.id
    assert run_narration(narration_id, settings) == "done"
    storage = open_storage(settings.storage_url)
    with session_scope(settings.database_url) as session:
        done = records.get_narration(session, narration_id)
        keys = (done.audio_key, done.captions_key, done.marks_key, done.chapters_key)
    assert all(key and storage.exists(key) for key in keys)
    tags = ID3(io.BytesIO(storage.get_bytes(keys[0])))
    assert (str(tags["TIT2"]), str(tags["TPE1"]), str(tags["TALB"])) == ("A short test", "city", "city")
    assert json.loads(storage.get_bytes(keys[3]))["chapters"][0]["title"] == "A short test"


@pytest.fixture
def silent_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """`narrator narrate` in this process with the silent test voices as the catalog's default (fast, no model)."""
    monkeypatch.setenv("NARRATOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NARRATOR_EXTRA_VOICES_DIR", str(TEST_VOICES))
    monkeypatch.setenv("NARRATOR_DEFAULT_VOICE", silent.NAME)
    get_settings.cache_clear()
    clear_catalog_cache()
    with silent.installed():
        yield tmp_path
    get_settings.cache_clear()
    clear_catalog_cache()


def _paragraph_starts(directory: Path, source: Path, *options: str) -> dict[str, int]:
    """Narrate `source` with `options`; each block's text -> when it starts (ms), from the marks."""
    marks = directory / f"marks{len(list(directory.glob('marks*.json')))}.json"
    assert main(["narrate", str(source), "-o", str(directory / "a.mp3"), "--marks", str(marks), *options]) == 0
    return {m["value"]: m["time_ms"] for m in json.loads(marks.read_text(encoding="utf-8")) if m["type"] == "paragraph"}


def test_narrate_reads_the_title_in_the_heading_voice(silent_cli: Path) -> None:
    source = silent_cli / "storm.md"
    source.write_text("# Storm warning\n\nWinds will rise tonight.\n", encoding="utf-8")
    plain = _paragraph_starts(silent_cli, source)
    slow = _paragraph_starts(silent_cli, source, "--heading-voice", "silent-slow")  # tests/voices: 1.6 times slower
    # The title (about a second at the main voice's pace) is read 1.6 times slower: the body starts ~0.6 s later.
    assert slow["Winds will rise tonight."] - plain["Winds will rise tonight."] > 400


def test_narrate_reads_quotes_in_the_quote_voice(silent_cli: Path) -> None:
    source = silent_cli / "quote.md"
    source.write_text("# Council\n\n> We will build it.\n\nThe vote is on Monday.\n", encoding="utf-8")
    plain = _paragraph_starts(silent_cli, source)
    slow = _paragraph_starts(silent_cli, source, "--quote-voice", "silent-slow")
    assert slow["We will build it."] == plain["We will build it."]  # the title before it: the main voice
    assert slow["The vote is on Monday."] > plain["The vote is on Monday."]  # the quote took longer


def test_narrate_refuses_an_unknown_section_voice(silent_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = silent_cli / "a.txt"
    source.write_text("Some text.", encoding="utf-8")
    assert main(["narrate", str(source), "-o", str(silent_cli / "a.mp3"), "--heading-voice", "nobody"]) == 2
    assert "(unknown_voice)" in capsys.readouterr().err
    assert not (silent_cli / "a.mp3").exists()


def test_narrate_says_the_shipped_default_lexicon(silent_cli: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = silent_cli / "a.txt"
    source.write_text("Huawei.", encoding="utf-8")
    assert main(["narrate", str(source), "-o", str(silent_cli / "with.mp3")]) == 0
    monkeypatch.setenv("NARRATOR_DEFAULT_LEXICON", "false")
    get_settings.cache_clear()
    assert main(["narrate", str(source), "-o", str(silent_cli / "without.mp3")]) == 0
    # The silent voice's length follows the text it is given: "Wah-way" takes longer to say than "Huawei".
    assert sf.info(str(silent_cli / "with.mp3")).duration > sf.info(str(silent_cli / "without.mp3")).duration + 0.1
