"""Turning what a publisher sends into a `Document` the workers can narrate."""

from __future__ import annotations

from dataclasses import dataclass

from service.audio.formats import normalized_formats
from service.core.errors import (
    EmptyText,
    FetchFailed,
    MalformedSsml,
    NotAnArticle,
    TextTooLong,
    UnknownFormat,
    UrlForbidden,
)
from service.core.hygiene import clean_text
from service.core.settings import Settings
from service.core.voices import catalog_dirs, get_voice
from service.document import errors as document_errors
from service.document import fetch, html, markdown, plain, ssml
from service.document.model import Document

SOURCE_KINDS = ("text", "markdown", "html", "url", "ssml")


@dataclass(frozen=True)
class ArticleInput:
    """One article as submitted: exactly one of text, markdown, html, url or ssml."""

    title: str | None = None
    text: str | None = None
    markdown: str | None = None
    html: str | None = None
    url: str | None = None
    ssml: str | None = None
    byline: str | None = None
    language: str = "en"
    # The page at `url` when the caller fetched it already (a source poll reads its canonical link first).
    page: fetch.FetchedPage | None = None


def source_of(article: ArticleInput) -> tuple[str, str]:
    """(source kind, source) of an input; the kind says how to extract it."""
    for kind in SOURCE_KINDS:
        value = getattr(article, kind)
        if value is not None:
            return kind, value
    raise EmptyText("Give the article as one of 'text', 'markdown', 'html', 'url' or 'ssml'")


def build_document(article: ArticleInput, settings: Settings) -> Document:
    """Extract the spoken document from an input; raise a coded error when there is nothing to say."""
    kind, source = source_of(article)
    if not source.strip():
        raise EmptyText(f"'{kind}' is empty")
    try:
        if kind == "url":
            page = article.page or fetch_page(source, settings)
            document = html.extract_html(clean_text(page.html), url=page.url)
        elif kind == "html":
            document = html.extract_html(source)
        elif kind == "ssml":
            document = ssml.document_from_ssml(source, title=article.title)
        elif kind == "markdown":
            document = markdown.document_from_markdown(source, title=article.title)
        else:
            document = plain.document_from_text(source, title=article.title)
    except document_errors.NotAnArticle as exc:
        raise NotAnArticle(str(exc)) from exc
    except ssml.SsmlError as exc:
        raise MalformedSsml(exc.reason, line=exc.line, column=exc.column) from exc
    if article.title and kind in ("html", "url"):
        document = Document(title=article.title, blocks=document.blocks, byline=document.byline)
    document = Document(
        title=document.title,
        blocks=document.blocks,
        byline=article.byline or document.byline,
        language=article.language,
    )
    if not document.spoken_blocks():
        raise EmptyText("The article has no text to narrate")
    if len(document.text) > settings.max_text_chars:
        raise TextTooLong(f"The article has {len(document.text)} characters; the limit is {settings.max_text_chars}")
    return document


def check_voice(voice_id: str | None, settings: Settings) -> str:
    """The voice to use (the default when none is given); `UnknownVoice` if not in the catalog."""
    voice = voice_id or settings.default_voice
    get_voice(catalog_dirs(settings), voice)
    return voice


def check_formats(formats: list[str] | None, settings: Settings) -> list[str]:
    """The formats to publish in (the setting when none are given), MP3 among them; `UnknownFormat` otherwise."""
    try:
        return normalized_formats(settings.narration_formats if formats is None else formats)
    except ValueError as exc:
        raise UnknownFormat(str(exc)) from None


def fetch_page(url: str, settings: Settings) -> fetch.FetchedPage:
    """Fetch an article page with the SSRF rules from settings; coded errors on refusal or failure."""
    try:
        return fetch.fetch_article_html(
            url,
            allow_hosts=settings.fetch_allow_hosts,
            allow_private=settings.fetch_allow_private,
            max_bytes=settings.fetch_max_bytes,
            timeout_s=settings.fetch_timeout_s,
        )
    except document_errors.UrlForbidden as exc:
        raise UrlForbidden(str(exc)) from exc
    except document_errors.FetchFailed as exc:
        raise FetchFailed(str(exc)) from exc
