"""ASR self-check results: what a speech recognizer heard in a narration, kept for editors.

Workers compute the review (workers/review.py) and record it here as plain
JSON; the API reads it back (GET /v1/narrations/{id}/review). Nothing here
imports a model library.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core.errors import ReviewNotAvailable
from service.core.models import Narration, NarrationReview, utcnow
from service.document.sentences import split_sentences


def weighted_score(paragraphs: Sequence[Mapping[str, Any]]) -> float:
    """1 - WER over all paragraphs (each weighs by its reference words; 1.0 when there are none)."""
    words = sum(int(p.get("words", 0)) for p in paragraphs)
    if not words:
        return 1.0
    errors = sum(int(p.get("errors", 0)) for p in paragraphs)
    return round(max(0.0, 1.0 - errors / words), 4)


def record_review(
    session: Session, narration_id: str, paragraphs: Sequence[Mapping[str, Any]], score: float | None = None
) -> NarrationReview:
    """Store (or replace: a redelivered task records again) the review of a narration.

    `paragraphs` are `ParagraphReview.to_json()` dicts: index, text, score,
    heard, words, errors, differences [{expected, start, end, heard}].
    The caller commits.
    """
    rows = [dict(p) for p in paragraphs]
    review = session.get(NarrationReview, narration_id)
    if review is None:
        review = NarrationReview(narration_id=narration_id)
        session.add(review)
    review.score = weighted_score(rows) if score is None else score
    review.paragraphs = rows
    review.created_at = utcnow()
    session.flush()
    return review


def get_review(session: Session, narration_id: str) -> NarrationReview:
    """The review of a narration, or `ReviewNotAvailable` (not reviewed, not yet, or no such narration)."""
    review = session.get(NarrationReview, narration_id)
    if review is None:
        raise ReviewNotAvailable(f"Narration {narration_id!r} was not reviewed (ASR review is off or not finished)")
    return review


@dataclass(frozen=True)
class FlaggedWord:
    """A word the recognizer heard differently, placed in the article text, with the sentence around it."""

    start: int  # offsets into the article text
    end: int
    expected: str
    heard: str
    sentence: str


def latest_review(session: Session, article_id: str) -> NarrationReview | None:
    """The review of the article's newest reviewed narration, if any."""
    return session.scalar(
        select(NarrationReview)
        .join(Narration, Narration.id == NarrationReview.narration_id)
        .where(Narration.article_id == article_id)
        .order_by(Narration.version.desc())
        .limit(1)
    )


def flagged_words(review: NarrationReview, text: str, language: str = "en") -> list[FlaggedWord]:
    """Every difference of a review as a span of `text` (the article text it was made from), in reading order.

    A difference whose words are no longer at that place (the article was edited since) is left out.
    """
    found: list[FlaggedWord] = []
    for paragraph in review.paragraphs:
        offset = int(paragraph.get("offset", 0))
        body = str(paragraph.get("text", ""))
        for difference in paragraph.get("differences", ()):
            start, end = offset + int(difference["start"]), offset + int(difference["end"])
            if not difference.get("expected") or text[start:end] != difference["expected"]:
                continue
            found.append(
                FlaggedWord(
                    start,
                    end,
                    difference["expected"],
                    difference.get("heard", ""),
                    _sentence(body, start - offset, language),
                )
            )
    return sorted(found, key=lambda f: f.start)


def _sentence(paragraph: str, at: int, language: str) -> str:
    """The sentence of `paragraph` that holds the character at `at`."""
    position = 0
    for sentence in split_sentences(paragraph, language=language):
        start = paragraph.find(sentence, position)
        if start < 0:
            continue
        position = start + len(sentence)
        if start <= at < position:
            return sentence
    return paragraph
