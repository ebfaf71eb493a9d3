"""SSML articles narrated through the fan-out with the real voice: `<sub>` changes what is said, `<break>` how long."""

from __future__ import annotations

from service.articles import records
from service.articles.intake import ArticleInput, build_document
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.voices import catalog_dirs, get_voice
from tests.workers.inline import narrate_inline


def _narrated_duration(settings: Settings, ssml: str) -> float:
    """Seconds of audio of an SSML article narrated end to end (no title, so only the body is heard)."""
    document = build_document(ArticleInput(ssml=ssml), settings)
    with session_scope(settings.database_url) as session:
        _, narration = records.create_article(
            session, document=document, source_kind="ssml", source=ssml, voice=settings.default_voice
        )
        narration_id = narration.id
    assert narrate_inline(narration_id, settings) == "done"
    with session_scope(settings.database_url) as session:
        duration = records.get_narration(session, narration_id).duration_s
    assert duration is not None
    return duration


def test_a_sub_alias_is_what_is_said(settings: Settings) -> None:
    written = _narrated_duration(settings, "<speak><p>W3C.</p></speak>")
    aliased = _narrated_duration(
        settings, "<speak><p><sub alias='the World Wide Web Consortium'>W3C</sub>.</p></speak>"
    )
    said_plainly = _narrated_duration(settings, "<speak><p>the World Wide Web Consortium.</p></speak>")
    # "W three C" is five syllables, the alias nine: clearly longer, and as long as the alias written out.
    assert aliased > written + 0.4
    assert abs(aliased - said_plainly) < 0.25  # Piper samples its durations: ~0.1 s run to run


def test_a_break_between_paragraphs_replaces_the_voice_pause(settings: Settings) -> None:
    paragraphs = "<p>The library opens at nine.</p>{}<p>The cafe sells tea.</p>"
    plain = _narrated_duration(settings, f"<speak>{paragraphs.format('')}</speak>")
    paused = _narrated_duration(settings, "<speak>" + paragraphs.format('<break time="2s"/>') + "</speak>")
    default_pause_s = get_voice(catalog_dirs(settings), settings.default_voice).pauses.paragraph_ms / 1000
    # Same segments (cached), only the pause between them differs; MP3 framing adds a few ms.
    assert abs((paused - plain) - (2.0 - default_pause_s)) < 0.1
