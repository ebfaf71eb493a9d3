"""Section voices: the headline and headings, or quotes, read by a second voice."""

from __future__ import annotations

import pytest

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from service.document.model import Block, Document
from service.segments import plan as segments
from tests.workers.inline import narrate_inline

SLOW = "silent-slow"  # tests/voices: the silent test voice, 1.6 times slower


@pytest.fixture
def with_slow_voice(silent_settings: Settings) -> Settings:
    """Settings whose catalog adds the silent test voices (these tests are about sections, not voices)."""
    return silent_settings


def _narrate(settings: Settings, section_voices: dict[str, str]) -> str:
    document = Document(title="Storm warning", blocks=(Block("paragraph", "Winds will rise tonight."),))
    with session_scope(settings.database_url) as session:
        _, narration = records.create_article(
            session,
            document=document,
            source_kind="text",
            source="x",
            voice=settings.default_voice,
            section_voices=section_voices,
        )
        narration_id = narration.id
    assert narrate_inline(narration_id, settings) == "done"
    return narration_id


def _readers(settings: Settings, narration_id: str) -> list[tuple[str, str, int]]:
    with session_scope(settings.database_url) as session:
        return [(s.spec["kind"], s.voice, s.samples or 0) for s in segments.planned_segments(session, narration_id)]


def test_the_heading_voice_reads_the_title_and_the_main_voice_the_body(with_slow_voice: Settings) -> None:
    readers = _readers(with_slow_voice, _narrate(with_slow_voice, {"heading": SLOW}))
    assert [(kind, voice) for kind, voice, _ in readers] == [("title", SLOW), ("paragraph", "silent")]


def test_the_slower_section_voice_makes_the_title_longer(with_slow_voice: Settings) -> None:
    plain = _readers(with_slow_voice, _narrate(with_slow_voice, {}))
    slow = _readers(with_slow_voice, _narrate(with_slow_voice, {"heading": SLOW}))
    assert slow[0][2] > 1.3 * plain[0][2]
    assert slow[1][2] == plain[1][2]  # the body segment is the cached one
