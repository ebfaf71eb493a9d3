"""A finished narration's files: its ID3 tags and how its MP3, captions, marks and chapters are stored."""

from __future__ import annotations

from service.articles import records
from service.core.models import Article, Feed
from service.core.storage import Storage
from workers.narration.render import RenderedNarration
from workers.narration.tags import AudioTags


def tags_of(article: Article, feed: Feed | None = None, cover: bytes | None = None) -> AudioTags:
    """The ID3 tags for an article's audio: its title, byline (else the feed's author), the feed's title and cover
    (PNG or JPEG bytes)."""
    album = (feed.title if feed else article.feed) or None
    artist = article.byline or (feed.author if feed else article.feed) or None
    return AudioTags(title=article.title, artist=artist, album=album, cover=cover)


def store_narration(
    storage: Storage, rendered: RenderedNarration, files: tuple[records.FormatFile, ...] = ()
) -> records.FinishedAudio:
    """Store the tagged MP3 and its captions, marks and chapters; what the narration record links to.

    `files` are its other formats, already stored (workers/narration/formats.py).

    The MP3 is stored as tagged, so its key, digest and size (the feed's
    enclosure length) are those of the bytes listeners download.
    """
    stored = storage.put_file(rendered.path, "mp3")
    captions = storage.put_bytes(rendered.captions_vtt.encode("utf-8"), "vtt") if rendered.captions_vtt else None
    marks = storage.put_bytes(rendered.marks_json.encode("utf-8"), "json") if rendered.marks_json else None
    chapters = storage.put_bytes(rendered.chapters_json.encode("utf-8"), "json") if rendered.chapters else None
    return records.FinishedAudio(
        sha256=stored.sha256,
        audio_key=stored.key,
        bytes=stored.size,
        duration_s=rendered.duration_s,
        captions_key=captions.key if captions else None,
        marks_key=marks.key if marks else None,
        chapters_key=chapters.key if chapters else None,
        files=files,
    )
