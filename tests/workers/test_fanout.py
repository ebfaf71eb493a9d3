"""Fan-out narration with the segment cache, driven by an inline dispatcher and the silent test voice."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from service.articles import records
from service.core.db import session_scope
from service.core.models import SegmentPart
from service.core.settings import Settings
from service.document import lexicon
from service.document.model import Block, Document
from tests.workers.inline import InlineDispatch
from workers.narration.fanout import (
    assemble_narration,
    start_narration,
    synthesize_segment,
)


@pytest.fixture
def settings(silent_settings: Settings) -> Settings:
    """The silent test voice: these tests are about the fan-out and the segment cache, not about the voice."""
    return silent_settings


PARAGRAPHS = ("The library opens at nine.", "Children read on Saturdays.", "The cafe sells tea.")


def _document(*paragraphs: str) -> Document:
    return Document(title="Town news", blocks=tuple(Block("paragraph", p) for p in paragraphs))


def _article(settings: Settings, document: Document) -> tuple[str, str]:
    with session_scope(settings.database_url) as session:
        article, narration = records.create_article(
            session, document=document, source_kind="text", source="x", voice=settings.default_voice
        )
        return article.id, narration.id


def _renarrate(settings: Settings, article_id: str, document: Document | None = None, *, force: bool = False) -> str:
    with session_scope(settings.database_url) as session:
        article = records.get_article(session, article_id)
        if document is not None:
            article.blocks = records.blocks_of(document)
        return records.add_narration(session, article, voice=article.voice, bypass_cache=force).id


def _narration(settings: Settings, narration_id: str):  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        return records.get_narration(session, narration_id)


def test_a_first_narration_synthesizes_every_block_once(settings: Settings) -> None:
    _, narration_id = _article(settings, _document(*PARAGRAPHS))
    dispatch = InlineDispatch(settings)
    start_narration(narration_id, settings, dispatch)
    narration = _narration(settings, narration_id)
    assert narration.status == "done"
    assert (narration.segments_total, narration.segments_cached, narration.segments_synthesized) == (4, 0, 4)
    assert len(dispatch.synthesized) == 4 and dispatch.assembled == [narration_id]


def test_editing_one_paragraph_synthesizes_only_that_paragraph(settings: Settings) -> None:
    article_id, first = _article(settings, _document(*PARAGRAPHS))
    start_narration(first, settings, InlineDispatch(settings))
    second = _renarrate(settings, article_id, _document(PARAGRAPHS[0], "Children read on Sundays.", PARAGRAPHS[2]))
    dispatch = InlineDispatch(settings)
    start_narration(second, settings, dispatch)
    narration = _narration(settings, second)
    assert narration.status == "done"
    assert (narration.segments_cached, narration.segments_synthesized) == (3, 1)
    assert len(dispatch.synthesized) == 1


def test_an_unchanged_renarration_reuses_everything_and_assembles_at_once(settings: Settings) -> None:
    article_id, first = _article(settings, _document(*PARAGRAPHS))
    start_narration(first, settings, InlineDispatch(settings))
    second = _renarrate(settings, article_id)
    dispatch = InlineDispatch(settings)
    assert start_narration(second, settings, dispatch) == "done"
    assert dispatch.synthesized == []


def test_a_forced_renarration_synthesizes_everything_again(settings: Settings) -> None:
    article_id, first = _article(settings, _document(*PARAGRAPHS))
    start_narration(first, settings, InlineDispatch(settings))
    second = _renarrate(settings, article_id, force=True)
    dispatch = InlineDispatch(settings)
    start_narration(second, settings, dispatch)
    assert len(dispatch.synthesized) == 4
    assert _narration(settings, second).segments_cached == 0


def test_a_lexicon_entry_invalidates_only_the_paragraphs_that_use_it(settings: Settings) -> None:
    article_id, first = _article(settings, _document(*PARAGRAPHS))
    start_narration(first, settings, InlineDispatch(settings))
    with session_scope(settings.database_url) as session:
        lexicon.put_entry(session, None, "cafe", alias="caffay", ipa=None)
    second = _renarrate(settings, article_id)
    dispatch = InlineDispatch(settings)
    start_narration(second, settings, dispatch)
    assert len(dispatch.synthesized) == 1
    assert _narration(settings, second).status == "done"


def test_the_previous_audio_stays_current_until_the_new_one_is_done(settings: Settings) -> None:
    article_id, first = _article(settings, _document(*PARAGRAPHS))
    start_narration(first, settings, InlineDispatch(settings))
    second = _renarrate(settings, article_id, _document("A new first paragraph.", *PARAGRAPHS[1:]))
    recording = RecordingDispatch()
    start_narration(second, settings, recording)  # planned, segments not yet made
    with session_scope(settings.database_url) as session:
        assert records.get_article(session, article_id).current_narration_id == first
    for key in recording.keys:
        synthesize_segment(key, settings, recording)
    for narration_id in recording.assembled:
        assemble_narration(narration_id, settings)
    with session_scope(settings.database_url) as session:
        assert records.get_article(session, article_id).current_narration_id == second


def test_progress_counts_finished_segments(settings: Settings) -> None:
    _, narration_id = _article(settings, _document(*PARAGRAPHS))
    recording = RecordingDispatch()
    start_narration(narration_id, settings, recording)
    assert _narration(settings, narration_id).progress == 0.0
    synthesize_segment(recording.keys[0], settings, recording)
    synthesize_segment(recording.keys[1], settings, recording)
    assert _narration(settings, narration_id).progress == 0.5
    assert recording.assembled == []


def test_a_failing_segment_fails_its_narration_with_the_code(settings: Settings) -> None:
    _, narration_id = _article(settings, _document(*PARAGRAPHS))
    with session_scope(settings.database_url) as session:
        records.get_narration(session, narration_id).voice = "vanished"
    start_narration(narration_id, settings, InlineDispatch(settings))
    narration = _narration(settings, narration_id)
    assert (narration.status, narration.error_code) == ("failed", "unknown_voice")


def test_assembling_twice_is_harmless(settings: Settings) -> None:
    _, narration_id = _article(settings, _document(PARAGRAPHS[0]))
    start_narration(narration_id, settings, InlineDispatch(settings))
    assert assemble_narration(narration_id, settings) == "done"


@dataclass
class RecordingDispatch:
    """Records dispatched work without running it."""

    keys: list[str] = field(default_factory=list)
    assembled: list[str] = field(default_factory=list)

    def synthesize(self, key: str, priority: str) -> None:
        self.keys.append(key)

    def assemble(self, narration_id: str, priority: str) -> None:
        self.assembled.append(narration_id)


def test_an_edit_masters_and_encodes_only_the_edited_paragraph_again(settings: Settings) -> None:
    def parts_made() -> int:
        with session_scope(settings.database_url) as session:
            return int(session.scalar(select(func.count()).select_from(SegmentPart)) or 0)

    article_id, first = _article(settings, _document(*PARAGRAPHS))
    start_narration(first, settings, InlineDispatch(settings))
    assert parts_made() == 4  # title and three paragraphs, each encoded once by the worker that made it
    second = _renarrate(settings, article_id, _document(PARAGRAPHS[0], "Children read on Sundays.", PARAGRAPHS[2]))
    start_narration(second, settings, InlineDispatch(settings))
    assert _narration(settings, second).status == "done"
    assert parts_made() == 5


def test_a_forced_renarration_encodes_the_new_audio_not_the_old_parts(settings: Settings) -> None:
    # The real voice: its audio differs from run to run (the silent one's does not), which is the point here.
    settings = settings.model_copy(update={"default_voice": Settings().default_voice})
    article_id, first = _article(settings, _document(*PARAGRAPHS))
    start_narration(first, settings, InlineDispatch(settings))
    with session_scope(settings.database_url) as session:
        before = int(session.scalar(select(func.count()).select_from(SegmentPart)) or 0)
    second = _renarrate(settings, article_id, force=True)
    start_narration(second, settings, InlineDispatch(settings))
    with session_scope(settings.database_url) as session:
        after = int(session.scalar(select(func.count()).select_from(SegmentPart)) or 0)
    assert _narration(settings, second).status == "done"
    assert after == before + 4  # every block was synthesized again, so every part is made from the new audio
