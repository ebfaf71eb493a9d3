"""Turning what a publisher sends into a `Document` the workers can narrate."""

from __future__ import annotations

from dataclasses import dataclass

from service.errors import EmptyText, NotAnArticle, TextTooLong
from service.settings import Settings
from service.text import extract
from service.text.document import Document
from service.voices import get_voice


@dataclass(frozen=True)
class ArticleInput:
    """One article as submitted: exactly one of text, markdown or html."""

    title: str | None = None
    text: str | None = None
    markdown: str | None = None
    html: str | None = None
    byline: str | None = None
    language: str = "en"


def source_of(article: ArticleInput) -> tuple[str, str]:
    """(source kind, source) of an input; the kind says how to extract it."""
    for kind in ("text", "markdown", "html"):
        value = getattr(article, kind)
        if value is not None:
            return kind, value
    raise EmptyText("Give the article as one of 'text', 'markdown' or 'html'")


def build_document(article: ArticleInput, settings: Settings) -> Document:
    """Extract the spoken document from an input; raise a coded error when there is nothing to say."""
    kind, source = source_of(article)
    if not source.strip():
        raise EmptyText(f"'{kind}' is empty")
    try:
        if kind == "html":
            document = extract.extract_html(source)
        elif kind == "markdown":
            document = extract.document_from_markdown(source, title=article.title)
        else:
            document = extract.document_from_text(source, title=article.title)
    except extract.NotAnArticle as exc:
        raise NotAnArticle(str(exc)) from exc
    if article.title and kind == "html":
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
    get_voice(settings.voices_dir, voice)
    return voice
