"""What an article's extra formats (Opus, AAC) cost the assembly, and what they save listeners.

In one process, with the real voice, on the worker's code path (the fan-out
and assembly run inline, as `narrator narrate` runs them):

1. a 20-paragraph article narrated from scratch, MP3 only (synthesis, parts, assembly);
2. narrated again with every segment and part cached, MP3 only: the assembly alone;
3. the same with Opus and AAC too: the assembly plus the formats (each block mastered
   again and encoded twice, workers/narration/formats.py).

Prints CPU-seconds of this process (all its threads; `time.process_time`), so
other helpers' load on the shared machine barely moves them, and the ratios
side by side: the formats' extra CPU against the assembly and against the
whole narration, and each format's size against the MP3's.

    .venv/bin/python bench/formats.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from service.document.model import Block, Document
from tests.workers.inline import narrate_inline

PARAGRAPHS = [
    f"Item {n}. The council spent part of the evening on proposal number {n}, which would change how the town "
    f"pays for its roads, its parks and its libraries over the next ten years."
    for n in range(1, 21)
]
DOC = Document(title="Council budget", blocks=tuple(Block("paragraph", p) for p in PARAGRAPHS))


def timed(settings: Settings, narration_id: str) -> float:
    """CPU-seconds of one narration run inline to the end."""
    start = time.process_time()
    assert narrate_inline(narration_id, settings) == "done"
    return time.process_time() - start


def again(settings: Settings, article_id: str, formats: list[str]) -> str:
    """A new narration of the same article (every segment cached) in `formats`."""
    with session_scope(settings.database_url) as session:
        article = records.get_article(session, article_id)
        article.formats = formats
        return records.add_narration(session, article, voice=article.voice, reason="formats").id


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="narrator-bench-formats-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        with session_scope(settings.database_url) as session:
            article, narration = records.create_article(
                session, document=DOC, source_kind="text", source="x", voice=settings.default_voice
            )
            article_id, first = article.id, narration.id
        full = timed(settings, first)
        mp3_only = timed(settings, again(settings, article_id, ["mp3"]))
        with_formats_id = again(settings, article_id, ["opus", "aac", "mp3"])
        with_formats = timed(settings, with_formats_id)
        with session_scope(settings.database_url) as session:
            done = records.get_narration(session, with_formats_id)
            sizes = {"mp3": int(done.bytes or 0), **{f.format: f.bytes for f in done.files}}
            duration = float(done.duration_s or 0)
    extra = with_formats - mp3_only
    print(f"article: {len(PARAGRAPHS)} paragraphs, {duration:.1f} s of audio, voice {settings.default_voice}")
    print(
        f"CPU-seconds: narration from scratch {full:.2f}; cached, MP3 only {mp3_only:.2f}; "
        f"with Opus+AAC {with_formats:.2f}"
    )
    print(f"formats' extra CPU: {extra:.2f} s = {extra / duration:.3f} s per second of audio")
    print(f"  vs the cached MP3-only assembly: x{with_formats / mp3_only:.1f}")
    print(f"  vs the narration from scratch: {extra / full:.1%}")
    for name in ("opus", "aac"):
        print(f"{name}: {sizes[name]} bytes = {sizes[name] / sizes['mp3']:.2f} of the MP3's {sizes['mp3']}")


if __name__ == "__main__":
    main()
