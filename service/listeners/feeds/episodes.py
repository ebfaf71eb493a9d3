"""Turn feed and article records into the channel and episodes `rss.render_rss` writes, with absolute URLs."""

from __future__ import annotations

from service.articles.records import document_of
from service.core.models import Article, Feed, Narration
from service.listeners.feeds.rss import Channel, Episode

SUMMARY_CHARS = 600


def feed_url(base_url: str, slug: str) -> str:
    """Where a feed's RSS is served."""
    return f"{base_url.rstrip('/')}/feeds/{slug}.xml"


def media_url(base_url: str, key: str, media_base_url: str = "") -> str:
    """The absolute URL of an immutable stored file: under the media base URL (a CDN, a public bucket)
    when one is set, else the API's /media (which serves it, or redirects to the bucket)."""
    if media_base_url:
        return f"{media_base_url.rstrip('/')}/{key}"
    return f"{base_url.rstrip('/')}/media/{key}"


def channel_of(feed: Feed, base_url: str) -> Channel:
    """The channel of `feed` as served under `base_url`."""
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
        feed_url=feed_url(base_url, feed.slug),
        site_url=feed.link or base_url.rstrip("/") + "/",
        image_url=feed.image_url,
        updated=feed.updated_at,
    )


def episode_of(article: Article, narration: Narration, base_url: str, media_base_url: str = "") -> Episode:
    """The episode for an article's current (done) narration; its enclosure length is the stored object's."""
    assert narration.audio_key is not None and narration.bytes is not None, "only done narrations are episodes"
    document = document_of(article)
    return Episode(
        # The article id, not the narration's: a re-narration must not look like a new episode.
        guid=f"narrator:article:{article.id}",
        title=article.title or _first_words(document.text),
        summary=summary(article),
        byline=article.byline,
        published=article.created_at,
        audio_url=media_url(base_url, narration.audio_key, media_base_url),
        audio_bytes=narration.bytes,
        duration_s=narration.duration_s or 0.0,
        language=article.language,
        link=article.source if article.source_kind == "url" else None,
        captions_url=media_url(base_url, narration.captions_key, media_base_url) if narration.captions_key else None,
        chapters_url=media_url(base_url, narration.chapters_key, media_base_url) if narration.chapters_key else None,
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
