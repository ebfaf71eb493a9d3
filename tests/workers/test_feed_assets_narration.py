"""A feed's intro, outro and cover end up in its narrations, read from local storage or from S3."""

from __future__ import annotations

import io
import uuid

import pytest
import soundfile as sf
from mutagen.id3 import ID3
from pydantic import SecretStr

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import storage_for
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


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_intro_outro_and_cover_of_the_feed_are_used(
    settings: Settings, backend: str, request: pytest.FixtureRequest
) -> None:
    if backend == "s3":
        server = request.getfixturevalue("s3_server")
        settings = settings.model_copy(
            update={
                "storage_url": f"s3://narrator-tests/feed-assets-{uuid.uuid4().hex[:8]}",
                "s3_endpoint_url": server.endpoint_url,
                "s3_access_key_id": server.access_key_id,
                "s3_secret_access_key": SecretStr(server.secret_access_key),
            }
        )
    storage = storage_for(settings)
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
    audio = storage.get_bytes(key)
    tag = ID3(io.BytesIO(audio))
    assert tag.getall("APIC")[0].data == PNG
    assert str(tag["TALB"]) == "City"
    assert abs(sf.info(io.BytesIO(audio)).duration - branded_s) < 0.05
