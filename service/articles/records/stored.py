"""An article's document as its record stores it: spoken blocks as JSON, and back."""

from __future__ import annotations

from typing import Any

from service.core.models import Article
from service.document.model import Block, Document


def document_of(article: Article) -> Document:
    """Rebuild the extracted `Document` an article was stored with."""
    blocks = [
        Block(
            b["kind"],
            b["text"],
            lexicon=tuple((term, spoken) for term, spoken in b.get("lexicon", ())),
            pause_after_ms=b.get("pause_after_ms"),
        )
        for b in article.blocks
    ]
    title = blocks[0].text if blocks and blocks[0].kind == "title" else None
    body = tuple(b for b in blocks if b.kind != "title")
    return Document(title=title, blocks=body, byline=article.byline, language=article.language)


def blocks_of(document: Document) -> list[dict[str, Any]]:
    """The JSON form of a document's spoken blocks (title first).

    A block's own lexicon and pause are stored only when set, so rows written
    before they existed compare equal and load unchanged.
    """
    out: list[dict[str, Any]] = []
    for b in document.spoken_blocks():
        row: dict[str, Any] = {"kind": b.kind, "text": b.text}
        if b.lexicon:
            row["lexicon"] = [[term, spoken] for term, spoken in b.lexicon]
        if b.pause_after_ms is not None:
            row["pause_after_ms"] = b.pause_after_ms
        out.append(row)
    return out
