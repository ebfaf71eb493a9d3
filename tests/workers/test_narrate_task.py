"""The narration task body (`run_narration`) with the silent test voice: idempotent, failures recorded."""

from __future__ import annotations

import pytest

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import open_storage
from service.document.model import Block, Document
from tests.workers.inline import narrate_inline as run_narration


@pytest.fixture
def settings(silent_settings: Settings) -> Settings:
    """The silent test voice: these tests are about the task's outcome, not about the voice."""
    return silent_settings


DOC = Document(title="A short test", blocks=(Block("paragraph", "The worker reads this sentence aloud."),))


def _queued(settings: Settings, voice: str | None = None) -> tuple[str, str]:
    with session_scope(settings.database_url) as session:
        article, narration = records.create_article(
            session, document=DOC, source_kind="text", source="x", voice=voice or settings.default_voice
        )
        return article.id, narration.id


def test_a_narration_is_stored_and_made_current(settings: Settings) -> None:
    article_id, narration_id = _queued(settings)
    assert run_narration(narration_id, settings) == "done"
    with session_scope(settings.database_url) as session:
        narration = records.get_narration(session, narration_id)
        assert records.get_article(session, article_id).current_narration_id == narration_id
        assert open_storage(settings.storage_url).exists(narration.audio_key)
        assert narration.duration_s and narration.duration_s > 1.0


def test_running_the_same_task_twice_leaves_one_current_audio(settings: Settings) -> None:
    article_id, narration_id = _queued(settings)
    run_narration(narration_id, settings)
    assert run_narration(narration_id, settings) == "done"
    media = list((settings.data_dir / "media").glob("*.mp3"))
    with session_scope(settings.database_url) as session:
        assert records.get_article(session, article_id).current_narration_id == narration_id
        assert records.get_narration(session, narration_id).attempts == 1
    assert len(media) == 1


def test_a_redelivered_running_narration_is_made_again_and_stays_current(settings: Settings) -> None:
    article_id, narration_id = _queued(settings)
    with session_scope(settings.database_url) as session:
        records.start_narration(session, narration_id)  # as if a worker died mid-narration
    assert run_narration(narration_id, settings) == "done"
    with session_scope(settings.database_url) as session:
        narration = records.get_narration(session, narration_id)
        assert (narration.status, narration.attempts) == ("done", 2)
        assert records.get_article(session, article_id).current_narration_id == narration_id


def test_an_unknown_voice_fails_the_narration_with_its_code(settings: Settings) -> None:
    _, narration_id = _queued(settings, voice="gone")
    assert run_narration(narration_id, settings) == "failed"
    with session_scope(settings.database_url) as session:
        assert records.get_narration(session, narration_id).error_code == "unknown_voice"
