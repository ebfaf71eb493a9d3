"""Garbage collection (service/articles/retention/) over real narrations, on local and S3 storage.

Articles are narrated by the real fan-out, inline, with the silent test voice;
the files live in a local directory or in a real S3 bucket (SeaweedFS).
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select, update

from service.api.app import create_app
from service.articles import records
from service.audio.stream import WavStream
from service.core.db import session_scope
from service.core.models import Narration, NarrationSegment, Segment, SegmentPart, VoiceSample, utcnow
from service.core.settings import Settings
from service.core.storage import Storage, storage_for
from service.core.voices import catalog_dirs, get_voice
from service.document.model import Block, Document
from service.listeners.speech import speak
from tests.api.conftest import RecordingQueue
from tests.unit.test_migrations import new_postgres  # noqa: F401 - fixture
from tests.workers.inline import narrate_inline
from workers.maintenance import collect_once
from workers.narration.fanout import assemble_narration, start_narration, synthesize_segment

SHARED = "The bridge reopens on Monday."
PARAGRAPHS = ("The council met on Tuesday.", SHARED, "Tickets go on sale in May.")


BACKENDS = ["local", "s3"]
# The embedded default and the production topology, for the tests that matter most there. SQLite with a bucket
# adds nothing to these two: every storage and every database runs each of them.
WITH_POSTGRES = ["local", "s3+postgres"]


@pytest.fixture
def settings(request: pytest.FixtureRequest, silent_settings: Settings) -> Settings:
    """The silent voice; keep 2 versions and no grace period (so nothing is spared for being new).

    local: SQLite and a directory (the embedded default); s3: SQLite and a bucket; s3+postgres: production's.
    """
    settings = silent_settings.model_copy(update={"retain_versions": 2, "gc_grace_s": 0.0})
    backend = request.param
    if backend == "s3+postgres":
        url = request.getfixturevalue("new_postgres")(migrated=True)
        settings = settings.model_copy(update={"database_url": url})
    if backend.startswith("s3"):
        server = request.getfixturevalue("s3_server")
        settings = settings.model_copy(
            update={
                "storage_url": f"s3://narrator-tests/gc-{uuid.uuid4().hex[:12]}",
                "s3_endpoint_url": server.endpoint_url,
                "s3_access_key_id": server.access_key_id,
                "s3_secret_access_key": SecretStr(server.secret_access_key),
            }
        )
    return settings


@dataclass
class RecordingDispatch:
    """Plans without running: remembers the segments and assemblies a narration asks for."""

    keys: list[str] = field(default_factory=list)
    assembled: list[str] = field(default_factory=list)

    def synthesize(self, key: str, priority: str) -> None:
        self.keys.append(key)

    def assemble(self, narration_id: str, priority: str) -> None:
        self.assembled.append(narration_id)


def document(*paragraphs: str) -> Document:
    return Document(title="Town news", blocks=tuple(Block("paragraph", p) for p in paragraphs))


def new_article(settings: Settings, doc: Document) -> tuple[str, str]:
    with session_scope(settings.database_url) as session:
        article, narration = records.create_article(
            session, document=doc, source_kind="text", source="x", voice=settings.default_voice
        )
        return article.id, narration.id


def new_version(settings: Settings, article_id: str, doc: Document) -> str:
    with session_scope(settings.database_url) as session:
        article = records.get_article(session, article_id)
        article.blocks = records.blocks_of(doc)
        return records.add_narration(session, article, voice=article.voice, reason="edited").id


def narrated(settings: Settings, doc: Document) -> str:
    """A new article narrated to the end; its id."""
    article_id, narration_id = new_article(settings, doc)
    assert narrate_inline(narration_id, settings) == "done"
    return article_id


def edited_five_times(settings: Settings) -> str:
    """An article narrated, then its first paragraph edited and narrated again five times."""
    article_id = narrated(settings, document(*PARAGRAPHS))
    for n in range(5):
        narration_id = new_version(settings, article_id, document(f"The council met {n + 2} times.", *PARAGRAPHS[1:]))
        assert narrate_inline(narration_id, settings) == "done"
    return article_id


def counts(settings: Settings) -> dict[str, int]:
    with session_scope(settings.database_url) as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Narration, NarrationSegment, Segment, SegmentPart)
        }


def assert_current_audio_intact(settings: Settings, storage: Storage, article_id: str) -> None:
    with session_scope(settings.database_url) as session:
        article = records.get_article(session, article_id)
        current = records.get_narration(session, str(article.current_narration_id))
        files = records.stored_keys(current)
        digest = current.sha256
    assert len(files) >= 3  # the MP3, captions, marks
    for key in files:
        assert hashlib.sha256(storage.get_bytes(key)).hexdigest() == key.split(".")[0]
    assert files[0].split(".")[0] == digest


def listen(settings: Settings, article_id: str) -> bytes:
    """What a listener gets: the article's audio URL followed to the file (the API's /media, or the bucket)."""
    with TestClient(create_app(settings)) as client:
        response = client.get(f"/v1/articles/{article_id}/audio.mp3", follow_redirects=False)
        assert response.status_code == 307
        location = response.headers["location"]
        played = client.get(location) if location.startswith("/") else httpx.get(location)
    assert played.status_code == 200
    return played.content


@pytest.mark.parametrize("settings", BACKENDS, indirect=True)
def test_a_dry_run_deletes_nothing_and_reports_what_would_go(settings: Settings) -> None:
    edited_five_times(settings)
    storage = storage_for(settings)
    before_files, before_rows = set(storage.keys()), counts(settings)
    report = collect_once(settings, dry_run=True)
    assert set(storage.keys()) == before_files
    assert counts(settings) == before_rows
    assert report.records["narrations"] == 4  # six versions, two kept
    assert report.records["segments"] == 4  # the first paragraph of versions 1-4
    assert report.file_count == len(before_files - files_of_kept_work_after(settings, keep=2))
    assert report.freed_bytes > 0


def files_of_kept_work_after(settings: Settings, *, keep: int) -> set[str]:
    """The files the newest `keep` narrations of every article use (what a collection must leave)."""
    with session_scope(settings.database_url) as session:
        kept = set()
        for article_id in session.scalars(select(Narration.article_id).distinct()):
            kept |= set(
                session.scalars(
                    select(Narration.id)
                    .where(Narration.article_id == article_id)
                    .order_by(Narration.version.desc())
                    .limit(keep)
                )
            )
        narrations = [session.get(Narration, n) for n in kept]
        keys = {k for n in narrations if n is not None for k in records.stored_keys(n)}
        planned = set(
            session.scalars(select(NarrationSegment.segment_key).where(NarrationSegment.narration_id.in_(kept)))
        )
        keys |= {s.audio_key for s in session.scalars(select(Segment).where(Segment.key.in_(planned))) if s.audio_key}
        keys |= set(session.scalars(select(SegmentPart.audio_key).where(SegmentPart.segment_key.in_(planned))))
    return keys


@pytest.mark.parametrize("settings", WITH_POSTGRES, indirect=True)
def test_a_run_deletes_exactly_what_nothing_kept_uses_and_the_article_still_plays(settings: Settings) -> None:
    article_id = edited_five_times(settings)
    storage = storage_for(settings)
    expected = files_of_kept_work_after(settings, keep=2)
    dry = collect_once(settings, dry_run=True)
    report = collect_once(settings)
    assert set(storage.keys()) == expected
    assert (report.records, report.files, report.bytes) == (dry.records, dry.files, dry.bytes)
    with session_scope(settings.database_url) as session:
        assert [n.version for n in records.list_narrations(session, article_id)] == [6, 5]
    assert_current_audio_intact(settings, storage, article_id)
    with session_scope(settings.database_url) as session:
        current = records.get_narration(session, str(records.get_article(session, article_id).current_narration_id))
        digest = current.sha256
    assert hashlib.sha256(listen(settings, article_id)).hexdigest() == digest
    again = collect_once(settings)
    assert again.file_count == 0 and sum(again.records.values()) == 0


@pytest.mark.parametrize("settings", WITH_POSTGRES, indirect=True)
def test_a_deleted_article_leaves_only_what_another_article_uses(settings: Settings) -> None:
    other = narrated(settings, document("A different story.", SHARED))
    storage = storage_for(settings)
    keep_files, keep_rows = set(storage.keys()), counts(settings)
    article_id = edited_five_times(settings)
    with session_scope(settings.database_url) as session:
        records.delete_article(session, records.get_article(session, article_id))  # its files stay: the API's job
    collect_once(settings)
    assert set(storage.keys()) == keep_files
    assert counts(settings) == keep_rows
    assert_current_audio_intact(settings, storage, other)


@pytest.mark.parametrize("settings", WITH_POSTGRES, indirect=True)
def test_a_narration_in_progress_keeps_the_segments_it_reuses(settings: Settings) -> None:
    gone = narrated(settings, document(*PARAGRAPHS))
    with session_scope(settings.database_url) as session:
        records.delete_article(session, records.get_article(session, gone))  # its segments: unreferenced
    article_id, narration_id = new_article(settings, document(*PARAGRAPHS, "One paragraph is new."))
    recording = RecordingDispatch()
    start_narration(narration_id, settings, recording)  # planned: four cached segments, one to make
    assert len(recording.keys) == 1
    report = collect_once(settings)
    assert report.records["segments"] == 0
    for key in recording.keys:
        synthesize_segment(key, settings, recording)
    assert assemble_narration(narration_id, settings) == "done"
    assert_current_audio_intact(settings, storage_for(settings), article_id)


async def _played(stream: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in stream])


def play(stream: AsyncIterator[bytes]) -> bytes:
    """What a /v1/audio/speech client receives from the stream `speak` returned."""
    # On a thread of its own: under xdist the browser tests' session-wide Playwright (its sync API) may keep
    # an event loop running on this process's main thread, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _played(stream)).result()


@pytest.mark.parametrize("settings", WITH_POSTGRES, indirect=True)
def test_a_speech_stream_keeps_the_old_cached_segment_it_reuses(settings: Settings) -> None:
    """Direct synthesis reuses a segment made long ago that no narration names; a collection between the request
    and the stream's reading leaves it, and the stream plays it (the collection used to delete its row, and the
    stream waited out its time limit and ended empty)."""
    settings = settings.model_copy(update={"gc_grace_s": 600.0, "task_time_limit_s": 10})
    storage = storage_for(settings)
    voice = get_voice(catalog_dirs(settings), settings.default_voice)

    def request(queue: RecordingQueue) -> AsyncIterator[bytes]:
        with session_scope(settings.database_url) as session:
            return speak(session, queue, settings, storage, SHARED, voice, {}, WavStream())

    first = RecordingQueue()
    stream = request(first)
    assert len(first.segments) == 1
    synthesize_segment(first.segments[0], settings, RecordingDispatch())
    heard = play(stream)
    assert len(heard) > 1000
    with session_scope(settings.database_url) as session:  # made two days ago: older than the grace period
        session.execute(update(Segment).values(finished_at=utcnow() - timedelta(days=2)))
    again = RecordingQueue()
    stream = request(again)  # from the cache: nothing to synthesize
    assert again.segments == []
    report = collect_once(settings)  # between the request and the stream's reading
    assert report.records["segments"] == 0 and report.records["segment_parts"] == 0
    assert play(stream) == heard
    # Once neither made nor used within the grace period, it is collected like any unnamed segment.
    with session_scope(settings.database_url) as session:
        session.execute(update(Segment).values(used_at=utcnow() - timedelta(days=1)))
    assert collect_once(settings).records["segments"] == 1


@pytest.mark.parametrize("settings", BACKENDS, indirect=True)
def test_a_file_younger_than_the_grace_period_is_kept(settings: Settings) -> None:
    storage = storage_for(settings)
    unnamed = storage.put_bytes(b"a segment whose record is not committed yet", "flac").key
    report = collect_once(settings.model_copy(update={"gc_grace_s": 600.0}))
    assert storage.exists(unnamed)
    assert report.young == 1 and report.file_count == 0
    assert collect_once(settings).files == {"flac": 1}
    assert not storage.exists(unnamed)


@pytest.mark.parametrize("settings", BACKENDS, indirect=True)
def test_the_sample_of_a_voice_no_longer_in_the_catalog_is_collected(settings: Settings) -> None:
    storage = storage_for(settings)
    old = storage.put_bytes(b"ID3 the sample of an old version of a voice", "mp3").key
    with session_scope(settings.database_url) as session:
        session.add(VoiceSample(voice_id=settings.default_voice, fingerprint="0" * 64, status="done", audio_key=old))
    report = collect_once(settings)
    assert report.records["voice_samples"] == 1
    assert not storage.exists(old)


@pytest.mark.parametrize("settings", BACKENDS, indirect=True)
def test_the_policy_keeps_the_current_narration_even_when_it_is_not_among_the_newest(settings: Settings) -> None:
    article_id = narrated(settings, document(*PARAGRAPHS))
    for n in range(3):  # three newer versions that failed: the first stays current
        narration_id = new_version(settings, article_id, document(f"Draft {n}.", *PARAGRAPHS[1:]))
        with session_scope(settings.database_url) as session:
            records.fail_narration(session, narration_id, "synthesis_failed", "boom")
    collect_once(settings)
    with session_scope(settings.database_url) as session:
        assert [n.version for n in records.list_narrations(session, article_id)] == [4, 3, 1]
    assert_current_audio_intact(settings, storage_for(settings), article_id)
