"""ASR self-check results: what a speech recognizer heard in a narration, kept for editors.

Workers compute the review (workers/review.py) and record it here as plain
JSON; the API reads it back (GET /v1/narrations/{id}/review). Nothing here
imports a model library.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from service.core.errors import ReviewNotAvailable
from service.core.models import NarrationReview, utcnow


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
