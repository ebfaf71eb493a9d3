"""A feed's intro, outro and cover end up in its narrations."""

from __future__ import annotations

import pytest
import soundfile as sf
from mutagen.id3 import ID3

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import open_storage
from service.document.model import Block, Document
from service.listeners.feeds.records import FeedFields, create_feed
from tests.api.test_feed_assets import PNG, wav
from tests.workers.inline import narrate_inline


@pytest.fixture
def settings(silent_settings: Settings) -> Settings:
    """The silent test voice: these tests are about a feed's jingles and cover, not about the voice."""
    return silent_settings


DOC = Document(title="Traffic", blocks=(Block("paragraph", "The bridge is open again."),))


def _narrate(settings: Settings, feed: str | None) -> str:
    with session_scope(settings.database_url) as session:
        _, narration = records.create_article(
            session, document=DOC, source_kind="text", source="x", voice=settings.default_voice, feed=feed
        )
        narration_id = narration.id
    assert narrate_inline(narration_id, settings) == "done"
    return narration_id


def test_intro_outro_and_cover_of_the_feed_are_used(settings: Settings) -> None:
    storage = open_storage(settings.storage_url)
    with session_scope(settings.database_url) as session:
        feed = create_feed(
            session, "city", FeedFields("City", "News", "en", "Desk", "d@example.com", "News"), feed_url="x/city"
        )
        feed.intro_key = storage.put_bytes(wav(3.0), "wav").key
        feed.outro_key = storage.put_bytes(wav(2.0), "wav").key
        feed.cover_key = storage.put_bytes(PNG, "png").key
    plain = _narrate(settings, None)
    branded = _narrate(settings, "city")
    with session_scope(settings.database_url) as session:
        plain_s = records.get_narration(session, plain).duration_s
        narration = records.get_narration(session, branded)
        branded_s, key = narration.duration_s, narration.audio_key
    assert branded_s > plain_s + 3.0  # 5 s of jingles, overlapping the speech a little
    tag = ID3(storage.path(key))
    assert tag.getall("APIC")[0].data == PNG
    assert str(tag["TALB"]) == "City"
    assert abs(sf.info(str(storage.path(key))).duration - branded_s) < 0.05
