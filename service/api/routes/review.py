"""GET /v1/narrations/{id}/review: the paragraphs and words a speech recognizer heard differently."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from service.api.auth import ArticlesRead
from service.api.deps import SessionDep
from service.articles import records, reviews
from service.core.errors import NotFound, ReviewNotAvailable

router = APIRouter(prefix="/v1/narrations", tags=["narrations"])


class DifferenceOut(BaseModel):
    expected: str  # the written words: the paragraph's text[start:end]
    start: int
    end: int
    heard: str  # what the recognizer heard instead ("" = nothing)


class ParagraphOut(BaseModel):
    index: int  # the spoken block's position in the article (title first)
    text: str
    offset: int = 0  # where `text` starts in the article text
    score: float  # 1 - WER of what was heard against the text as spoken, 0..1
    heard: str = ""  # the recognizer's transcript
    differences: list[DifferenceOut]


class ReviewOut(BaseModel):
    narration_id: str
    score: float
    created_at: datetime | None = None
    paragraphs: list[ParagraphOut]

    @classmethod
    def of(cls, review: Any) -> ReviewOut:
        return cls(
            narration_id=review.narration_id,
            score=review.score,
            created_at=review.created_at,
            paragraphs=[ParagraphOut.model_validate(p) for p in review.paragraphs],
        )


@router.get("/{narration_id}/review", response_model=ReviewOut)
def get_review(narration_id: str, session: SessionDep, principal: ArticlesRead) -> ReviewOut:
    """Agreement between the text and what moonshine heard, per paragraph (1 = all heard as written).

    404 `review_not_available` when the narration was not reviewed (NARRATOR_ASR_REVIEW
    off and not asked for, or the review is not finished yet).
    """
    review = reviews.get_review(session, narration_id)
    try:
        records.get_narration(session, narration_id, principal.project_id)
    except NotFound:  # another project's narration: as if it had no review
        raise ReviewNotAvailable(f"No review of narration {narration_id!r}") from None
    return ReviewOut.of(review)
