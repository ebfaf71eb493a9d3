"""Which files are private, on SQLite and on PostgreSQL: an article marked private, or any article of a private feed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.articles import records
from service.articles.privacy import article_is_private, key_is_private
from service.core.models import Feed
from service.listeners.feeds.records import FeedFields, create_feed
from tests.unit.test_records import DOC, postgres_url, session

__all__ = ["postgres_url", "session"]  # the fixtures, both databases

FIELDS = FeedFields(title="T", description="D", language="en", author="A", owner_email="a@b.example", category="News")


def finished(session: Session, n: int, *, feed: str | None = None, private: bool = False) -> dict[str, str]:
    """An article with a done narration of audio, captions, marks and chapters; returns their keys."""
    article, narration = records.create_article(
        session, document=DOC, source_kind="text", source="...", voice="v", feed=feed, external_id=f"e{n}"
    )
    article.private = private
    keys = {ext: f"{n:064x}.{ext}" for ext in ("mp3", "vtt", "json")}
    chapters = f"{n + 1000:064x}.json"
    records.finish_narration(
        session,
        narration.id,
        records.FinishedAudio(
            f"{n:064x}", keys["mp3"], 10, 1.0, captions_key=keys["vtt"], marks_key=keys["json"], chapters_key=chapters
        ),
    )
    session.commit()
    return {**keys, "chapters": chapters, "article": article.id}


def test_every_file_of_a_private_article_is_private(session: Session) -> None:
    hidden, shown = finished(session, 1, private=True), finished(session, 2)
    assert all(key_is_private(session, hidden[k]) for k in ("mp3", "vtt", "json", "chapters"))
    assert not any(key_is_private(session, shown[k]) for k in ("mp3", "vtt", "json", "chapters"))
    assert not key_is_private(session, f"{99:064x}.mp3")  # no narration's file: a segment, a cover


def test_an_article_of_a_private_feed_is_private_until_the_feed_is_public(session: Session) -> None:
    create_feed(session, "members", FIELDS, feed_url="https://x.example/feeds/members.xml")
    session.get_one(Feed, "members").private = True
    story = finished(session, 3, feed="members")
    article = records.get_article(session, story["article"])
    assert key_is_private(session, story["mp3"]) and article_is_private(session, article)
    session.get_one(Feed, "members").private = False
    session.commit()
    assert not key_is_private(session, story["mp3"]) and not article_is_private(session, article)
