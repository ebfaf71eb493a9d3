"""A narration in this process (`narrator narrate`): the worker's fan-out, its tasks run here at once.

The command line has no services, so it makes them for one run in a private
directory: a new SQLite database and local storage. It stores the article as
the API does, runs `start_narration` (workers/narration/fanout.py) with a
dispatcher that runs each segment and then the assembly in this process, and
reads the finished files back. Section voices, the shipped lexicon, the
intro, outro and cover, the pauses and the timeline are therefore the
worker's own: there is one orchestration.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from service.articles import records
from service.core.db import release_engine, session_scope
from service.core.errors import error_for_code
from service.core.models import Feed
from service.core.settings import Settings
from service.core.storage import Storage, storage_for
from service.document.model import Document
from workers.narration.assembly import assemble_narration
from workers.narration.fanout import start_narration, synthesize_segment

# The private feed that carries the intro, outro and cover, as a publisher's feed does.
# Empty title and author: the MP3's tags name the article and its byline only.
LOCAL_FEED = "local"

ProgressCallback = Callable[[float], None]


@dataclass(frozen=True)
class Surroundings:
    """What the narration is wrapped in: intro and outro clips (WAV/FLAC/Ogg), cover art (PNG/JPEG)."""

    intro: Path | None = None
    outro: Path | None = None
    cover: Path | None = None

    def __bool__(self) -> bool:
        return any((self.intro, self.outro, self.cover))


@dataclass(frozen=True)
class LocalNarration:
    """A finished narration's files, read back from the private storage."""

    duration_s: float
    mp3: bytes
    captions_vtt: str | None
    marks_json: str | None
    chapters_json: str | None


@dataclass
class LocalDispatch:
    """Runs each dispatched task at once, in this process, in the order the fan-out hands them out."""

    settings: Settings
    after_segment: Callable[[], None] = lambda: None

    def synthesize(self, key: str, priority: str) -> None:
        synthesize_segment(key, self.settings, self)
        self.after_segment()

    def assemble(self, narration_id: str, priority: str) -> None:
        assemble_narration(narration_id, self.settings)


def private_settings(settings: Settings, directory: Path) -> Settings:
    """`settings` with the records and stored files of one run in `directory` (no ASR review: no one reads it)."""
    return settings.model_copy(
        update={
            "data_dir": directory,
            "database_url": f"sqlite:///{directory / 'narrator.db'}",
            "storage_url": f"file://{directory / 'media'}",
            "asr_review": False,
        }
    )


def narrate_locally(
    document: Document,
    source: tuple[str, str],
    settings: Settings,
    *,
    voice: str,
    section_voices: dict[str, str] | None = None,
    surroundings: Surroundings = Surroundings(),
    on_progress: ProgressCallback | None = None,
) -> LocalNarration:
    """Narrate `document` with the worker's fan-out in this process; raises the coded error of a failure.

    `source` is the input's (kind, content), recorded with the article as the API records it.
    """
    with tempfile.TemporaryDirectory(prefix="narrator-narrate-") as tmp:
        local = private_settings(settings, Path(tmp))
        storage = storage_for(local)
        try:
            with session_scope(local.database_url) as session:
                feed = _add_feed(session, storage, surroundings) if surroundings else None
                _, narration = records.create_article(
                    session,
                    document=document,
                    source_kind=source[0],
                    source=source[1],
                    voice=voice,
                    language=document.language or "en",
                    feed=feed,
                    section_voices=section_voices,
                )
                narration_id = narration.id

            def report() -> None:
                if on_progress is not None:
                    with session_scope(local.database_url) as session:
                        on_progress(records.get_narration(session, narration_id).progress)

            start_narration(narration_id, local, LocalDispatch(local, after_segment=report))
            with session_scope(local.database_url) as session:
                done = records.get_narration(session, narration_id)
            if done.status != "done" or done.audio_key is None:
                raise error_for_code(done.error_code, done.error_message or f"the narration ended {done.status}")
            if on_progress is not None:
                on_progress(1.0)
            return LocalNarration(
                duration_s=float(done.duration_s or 0.0),
                mp3=storage.get_bytes(done.audio_key),
                captions_vtt=_text(storage, done.captions_key),
                marks_json=_text(storage, done.marks_key),
                chapters_json=_text(storage, done.chapters_key),
            )
        finally:
            release_engine(local.database_url)  # close the database's files before the directory goes


def _add_feed(session: Session, storage: Storage, surroundings: Surroundings) -> str:
    """Store the clips and the cover, and the private feed that names them; returns its slug."""

    def put(path: Path | None) -> str | None:
        return storage.put_bytes(path.read_bytes(), path.suffix.lstrip(".").lower() or "bin").key if path else None

    session.add(
        Feed(
            slug=LOCAL_FEED,
            title="",
            description="",
            author="",
            owner_email="",
            category="",
            guid="00000000-0000-0000-0000-000000000000",
            intro_key=put(surroundings.intro),
            outro_key=put(surroundings.outro),
            cover_key=put(surroundings.cover),
        )
    )
    session.flush()
    return LOCAL_FEED


def _text(storage: Storage, key: str | None) -> str | None:
    return storage.get_bytes(key).decode("utf-8") if key else None
