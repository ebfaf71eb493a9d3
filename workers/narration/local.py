"""A narration in this process (`narrator narrate`): the worker's fan-out, its tasks run here at once.

The command line has no services, so it makes them for one run in a private
directory: a new SQLite database and local storage. It stores the article as
the API does, runs `start_narration` (workers/narration/fanout.py) with a
dispatcher that runs each segment and then the assembly in this process, and
reads the finished files back. Section voices, the shipped lexicon, the
intro, outro and cover, the pauses and the timeline are therefore the
worker's own: there is one orchestration.

The dispatcher plays the part of several workers: segments are synthesized
side by side on `lanes` threads (`share_cores` decides how many), so while one
segment's part is mastered and encoded another is being synthesized, and no
core waits for the other (bench/throughput.py).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from service.articles import records
from service.core.db import release_engine, session_scope
from service.core.errors import error_for_code
from service.core.models import Feed
from service.core.settings import Settings
from service.core.storage import Storage, storage_for
from service.document.model import Document
from service.segments import plan as segments
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


@dataclass(frozen=True)
class Lanes:
    """How a local narration shares the cores: segments synthesized at once, and the inference threads of each."""

    count: int
    threads: int


def share_cores(block_sizes: Sequence[int], cores: int, threads: int = 0) -> Lanes:
    """A lane per core, each synthesis on one thread, while the blocks share out evenly enough.

    Segments side by side keep every core busy through synthesis, alignment,
    mastering and encoding alike; one synthesis on every core leaves all but
    one idle while its part is mastered. But a lane is worth it only if there
    is work for it: so no more lanes than the longest block fits into (each
    lane's share of the characters at least the longest block: a title and
    one paragraph take one lane), and the cores left over become each
    synthesis's threads. `threads` (NARRATOR_SYNTH_THREADS) fixes the threads
    of each synthesis: then at most cores // threads lanes.
    """
    total, longest = sum(block_sizes), max(block_sizes, default=0)
    count = max(1, cores // threads if threads else cores)
    while count > 1 and longest * count > total:
        count -= 1
    return Lanes(count, threads or max(1, cores // count))


@dataclass
class LocalDispatch:
    """Runs the fan-out's tasks in this process, as `lanes` workers would.

    With one lane each task runs at once, when the fan-out hands it out. With
    more, segments wait for `run`, which synthesizes them on that many threads,
    longest first (so the last to finish is a short one), then runs the
    assembly once (two lanes finishing the last segments together may both
    dispatch it).
    """

    settings: Settings
    after_segment: Callable[[], None] = lambda: None
    lanes: int = 1
    _queued: list[str] = field(default_factory=list, init=False)
    _assemblies: dict[str, None] = field(default_factory=dict, init=False)  # insertion-ordered set
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def synthesize(self, key: str, priority: str) -> None:
        if self.lanes > 1:
            self._queued.append(key)
        else:
            self._segment(key)

    def assemble(self, narration_id: str, priority: str) -> None:
        if self.lanes > 1:
            with self._lock:
                self._assemblies[narration_id] = None
        else:
            assemble_narration(narration_id, self.settings)

    def run(self) -> None:
        """Synthesize the queued segments side by side, then assemble what they completed; raises a segment's error."""
        keys, self._queued = self._longest_first(self._queued), []
        if keys:
            with ThreadPoolExecutor(self.lanes, thread_name_prefix="narrate-lane") as pool:
                futures = [pool.submit(self._segment, key) for key in keys]
                try:
                    for future in as_completed(futures):
                        future.result()  # an error the fan-out does not record ends the run, as it would serially
                except BaseException:
                    for future in futures:
                        future.cancel()
                    raise
        with self._lock:
            ready, self._assemblies = list(self._assemblies), {}
        for narration_id in ready:
            assemble_narration(narration_id, self.settings)

    def _segment(self, key: str) -> None:
        synthesize_segment(key, self.settings, self)
        with self._lock:  # progress reports one at a time
            self.after_segment()

    def _longest_first(self, keys: list[str]) -> list[str]:
        with session_scope(self.settings.database_url) as session:
            sizes = {}
            for key in keys:
                segment = segments.get_segment(session, key)
                sizes[key] = len(segments.SegmentSpec.from_json(segment.spec).text) if segment else 0
        return sorted(keys, key=lambda k: -sizes[k])


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
    lanes: int = 1,
) -> LocalNarration:
    """Narrate `document` with the worker's fan-out in this process; raises the coded error of a failure.

    `source` is the input's (kind, content), recorded with the article as the API records it;
    `lanes` segments are synthesized at once (see `share_cores`).
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

            dispatch = LocalDispatch(local, after_segment=report, lanes=lanes)
            start_narration(narration_id, local, dispatch)
            dispatch.run()
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
