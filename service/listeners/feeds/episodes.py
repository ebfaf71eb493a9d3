"""Turn feed and article records into the channel and episodes `rss.render_rss` writes, with absolute URLs."""

from __future__ import annotations

from service.articles.privacy import MediaLinks, signed_links
from service.articles.records import document_of
from service.audio.formats import FORMATS, PREFERENCE
from service.core.models import Article, Feed, Narration, NarrationFile
from service.core.settings import Settings
from service.core.signing import expiry
from service.listeners.feeds.extensions import AlternateEnclosure
from service.listeners.feeds.rss import Channel, Episode

SUMMARY_CHARS = 600


def feed_url(base_url: str, slug: str) -> str:
    """Where a feed's RSS is served."""
    return f"{base_url.rstrip('/')}/feeds/{slug}.xml"


def feed_links(settings: Settings, feed: Feed, base_url: str) -> MediaLinks:
    """The episodes' URLs: public (under the media base URL when set), or in a private feed signed for long.

    A podcast app downloads episodes in the background long after it read the
    feed, and plays streamed ones from the copy it read last; the feed is
    re-read (with fresh URLs) at the app's own pace, often daily. So a private
    feed's URLs last `feed_signed_url_expires_s` (7 days by default, the most an
    S3 presigned URL may): a leaked episode URL works at most that long, and a
    revoked subscriber gets no new ones.
    """
    if feed.private:
        return signed_links(settings, expiry(settings.feed_signed_url_expires_s), base=base_url)
    return MediaLinks(base=base_url, media_base_url=settings.media_base_url)


def channel_of(feed: Feed, base_url: str, self_url: str | None = None) -> Channel:
    """The channel of `feed` as served under `base_url`, at `self_url` (default: its public URL)."""
    return Channel(
        title=feed.title,
        description=feed.description,
        language=feed.language,
        author=feed.author,
        owner_email=feed.owner_email,
        category=feed.category,
        subcategory=feed.subcategory,
        explicit=feed.explicit,
        locked=feed.locked,
        guid=feed.guid,
        feed_url=self_url or feed_url(base_url, feed.slug),
        site_url=feed.link or base_url.rstrip("/") + "/",
        image_url=feed.image_url,
        updated=feed.updated_at,
        private=feed.private,
    )


def episode_of(article: Article, narration: Narration, links: MediaLinks) -> Episode:
    """The episode for an article's current (done) narration; its enclosure length is the stored object's.

    `links` are absolute: public, or signed for a long time in a private feed.
    """
    assert narration.audio_key is not None and narration.bytes is not None, "only done narrations are episodes"
    document = document_of(article)
    return Episode(
        # The article id, not the narration's: a re-narration must not look like a new episode.
        guid=f"narrator:article:{article.id}",
        title=article.title or _first_words(document.text),
        summary=summary(article),
        byline=article.byline,
        published=article.created_at,
        audio_url=links.media(narration.audio_key),
        audio_bytes=narration.bytes,
        duration_s=narration.duration_s or 0.0,
        language=article.language,
        link=article.source if article.source_kind == "url" else None,
        captions_url=links.media(narration.captions_key) if narration.captions_key else None,
        chapters_url=links.media(narration.chapters_key) if narration.chapters_key else None,
        alternates=tuple(
            alternate_of(f, links) for f in sorted(narration.files, key=lambda f: PREFERENCE.index(f.format))
        ),
    )


def alternate_of(file: NarrationFile, links: MediaLinks) -> AlternateEnclosure:
    """A narration's file in another format as a podcast:alternateEnclosure (Podcasting 2.0)."""
    fmt = FORMATS[file.format]
    return AlternateEnclosure(
        url=links.media(file.key),
        type=fmt.media_type.split(";")[0],
        length=file.bytes,
        codecs=fmt.codecs,
        bitrate=fmt.codec.bit_rate if fmt.codec else None,
        title=fmt.title,
    )


def summary(article: Article) -> str:
    """The show notes: the article's first body paragraph, cut at a word boundary."""
    body = [block.text for block in document_of(article).blocks if block.text.strip()]
    text = body[0] if body else (article.title or "")
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"


def _first_words(text: str, words: int = 8) -> str:
    return " ".join(text.split()[:words]) or "Untitled"
