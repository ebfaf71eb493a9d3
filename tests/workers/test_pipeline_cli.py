"""`narrator narrate` writes the MP3 and, when asked, captions, marks and chapters; the worker links them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from mutagen.id3 import ID3

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import open_storage
from service.document.model import Block, Document
from tests.workers.inline import narrate_inline as run_narration
from workers.cli import main

ARTICLE = "# Tide Report\n\nThe harbor opens early tomorrow.\n\n## Weather\n\nExpect light winds.\n"


def test_narrate_writes_captions_marks_and_chapters_after_an_intro(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATOR_DATA_DIR", str(tmp_path / "data"))
    from service.core.settings import get_settings

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


def test_narrate_says_the_shipped_default_lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import workers.narration.pipeline

    seen: dict = {}

    def capture(*args, lexicon=None, **kwargs):  # type: ignore[no-untyped-def]
        seen["lexicon"] = lexicon
        raise FileNotFoundError("stop here")

    monkeypatch.setattr(workers.narration.pipeline, "narrate_document", capture)
    source = tmp_path / "a.txt"
    source.write_text("Huawei and Reuters.", encoding="utf-8")
    main(["narrate", str(source), "-o", str(tmp_path / "a.mp3")])
    assert seen["lexicon"]["Huawei"] == "Wah-way" and seen["lexicon"]["Reuters"].startswith("[[")
