"""Private audio: which articles and files are private, and the URLs clients are given for them.

An article is private when it is marked so or its feed is. Every file of every
narration of a private article (audio in every format, captions, marks, chapters;
old versions too) is served only at a signed, expiring URL (service/core/signing.py), and so
are the public routes that lead to them (the player, `audio.mp3`,
`live.mp3`), and a private feed's own files (its intro, outro and cover). A public
article's files keep their plain immutable URLs. A file is content-addressed, so one
that is both a private and a public record's is private: it is served signed to both.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from service.articles.privacy_memo import PRIVATE_FILES
from service.core.errors import SignatureInvalid, SigningNotConfigured
from service.core.models import Article, Feed, Narration, NarrationFile
from service.core.settings import Settings
from service.core.signing import UrlSigner, expiry, signer_for
from service.core.storage.base import public_url

FILE_COLUMNS = (Narration.audio_key, Narration.captions_key, Narration.marks_key, Narration.chapters_key)
FEED_ASSET_COLUMNS = (Feed.intro_key, Feed.outro_key, Feed.cover_key)


def require_signing(settings: Settings) -> None:
    """SigningNotConfigured unless private URLs can be signed: nothing is made private that would then be public."""
    signer_for(settings)


def mark_private(settings: Settings, record: Article | Feed, private: bool) -> None:
    """Mark an article or a feed private (SigningNotConfigured without a secret) or public again."""
    if private:
        require_signing(settings)
    record.private = private


def article_is_private(session: Session, article: Article) -> bool:
    """True when the article or its feed is private."""
    if article.private:
        return True
    if article.feed is None:
        return False
    feed = session.get(Feed, article.feed)
    return feed is not None and feed.project_id == article.project_id and feed.private


def key_is_private(session: Session, key: str) -> bool:
    """True when a stored file belongs to a narration of a private article (or of an article in a private feed),
    or is a private feed's intro, outro or cover.

    A narration's files are its four key columns and its files in other formats (`narration_files`).
    """
    # Every indexed: one narration id per file that carries `key`, at most a handful.
    other_format = select(NarrationFile.narration_id).where(NarrationFile.key == key)
    narration_file = (
        select(Narration.id)
        .join(Article, Article.id == Narration.article_id)
        .outerjoin(Feed, (Feed.slug == Article.feed) & (Feed.project_id == Article.project_id))
        .where(or_(*(column == key for column in FILE_COLUMNS), Narration.id.in_(other_format)))
        .where(or_(Article.private.is_(True), Feed.private.is_(True)))
    )
    # Feeds are few (a publisher's shows) and a private one is fewer: no index needed on its asset columns.
    feed_asset = select(Feed.slug).where(Feed.private.is_(True), or_(*(column == key for column in FEED_ASSET_COLUMNS)))
    query = select(or_(exists(narration_file), exists(feed_asset)))
    # On the connection: no ORM entities are loaded, and the ORM's execution path costs about 0.6 ms of CPU
    # more per call (measured), on the route every listener's player and podcast app hits.
    return bool(session.connection().execute(query).scalar())


@dataclass(frozen=True)
class MediaLinks:
    """The URLs one article's files and routes are handed out under.

    Public: `/media/<key>` (or under the media base URL when `media_base_url`
    is given, as feeds do) and the plain routes. Private: the same paths signed
    until `expires`. `base` makes them absolute (feeds); empty: relative.
    """

    signer: UrlSigner | None = None
    expires: int = 0
    base: str = ""
    media_base_url: str = ""

    @property
    def private(self) -> bool:
        return self.signer is not None

    def media(self, key: str) -> str:
        """Where a stored file is fetched."""
        if self.signer is None and self.media_base_url:
            return public_url(self.media_base_url, key)
        return self.route(f"/media/{key}")

    def route(self, path: str) -> str:
        """A path on this API (`/player/<id>`, `/v1/articles/<id>/audio.mp3`), signed when private."""
        if self.signer is not None:
            path = self.signer.sign(path, self.expires)
        return f"{self.base.rstrip('/')}{path}"


PUBLIC = MediaLinks()


def links_for(
    session: Session,
    settings: Settings,
    article: Article,
    *,
    ttl_s: int | None = None,
    base: str = "",
    media_base_url: str = "",
) -> MediaLinks:
    """The links of `article`'s files: signed for `ttl_s` (default: the setting) when it is private."""
    if not article_is_private(session, article):
        return MediaLinks(base=base, media_base_url=media_base_url)
    return signed_links(settings, expiry(ttl_s or settings.signed_url_expires_s), base=base)


def signed_links(settings: Settings, expires: int, *, base: str = "") -> MediaLinks:
    """Links signed until `expires` (a private route hands on the expiry of the URL it was called with)."""
    return MediaLinks(signer_for(settings), expires, base)


def verify_signed(settings: Settings, path: str, expires: str | None, signature: str | None) -> int:
    """The expiry of a valid signature of `path` (SignatureInvalid, SignatureExpired otherwise)."""
    try:
        signer = signer_for(settings)
    except SigningNotConfigured:  # nothing was ever signed: any signature is a wrong one
        raise SignatureInvalid("This URL needs a valid signature") from None
    return signer.verify(path, expires, signature)


def check_file_access(
    session: Session, settings: Settings, key: str, path: str, expires: str | None, signature: str | None
) -> int | None:
    """May `path` (/media/<key>) be served? The expiry of its signature when signed, None when public.

    A signed URL is checked by its signature alone (no lookup); an unsigned one
    is refused (SignatureInvalid) when the file is private (remembered for a few
    seconds: service/articles/privacy_memo.py).
    """
    if expires is not None or signature is not None:
        return verify_signed(settings, path, expires, signature)
    memo_key = (settings.database_url, key)
    private = PRIVATE_FILES.get(memo_key, settings.media_privacy_memo_s)
    if private is None:
        generation = PRIVATE_FILES.generation
        private = key_is_private(session, key)
        if settings.media_privacy_memo_s > 0:
            PRIVATE_FILES.put(memo_key, private, generation)
    if private:
        raise SignatureInvalid("This file is private: it is served only at a signed URL")
    return None


def known_public(settings: Settings, key: str, expires: str | None, signature: str | None) -> bool:
    """True when an unsigned request for `key` may be served with no lookup: it was found public moments ago."""
    unsigned = expires is None and signature is None
    return unsigned and PRIVATE_FILES.get((settings.database_url, key), settings.media_privacy_memo_s) is False


def route_links(
    session: Session, settings: Settings, article: Article, path: str, expires: str | None, signature: str | None
) -> MediaLinks:
    """The links a public route of `article` hands on (the player, audio.mp3, live.mp3).

    A private article's route needs a valid signature of `path`; what it hands on
    is signed until the same time, so a URL never outlives the one that led to it.
    """
    if not article_is_private(session, article):
        return PUBLIC
    return signed_links(settings, verify_signed(settings, path, expires, signature))
