"""The ASR review of a finished narration is recorded per paragraph (fake recognizer, real database)."""

from __future__ import annotations

import numpy as np
import pytest

from service.articles import reviews
from service.core.db import session_scope
from service.core.models import Article, Narration
from service.core.settings import Settings
from workers.narration.layout import SynthesizedAudio
from workers.narration.review import paragraphs_of, review_narration
from workers.narration.timings import TimedBlock, Timeline

TEXT = "Huawei news\n\nShares of Huawei rose on Monday."
RATE = 1000


def _synthesized() -> SynthesizedAudio:
    pcm = np.concatenate([np.full(300, 0.1, np.float32), np.zeros(200, np.float32), np.full(400, 0.2, np.float32)])
    blocks = (TimedBlock(0.0, 0.3, 0, 11, kind="title"), TimedBlock(0.5, 0.9, 13, len(TEXT), kind="paragraph"))
    return SynthesizedAudio(pcm=pcm, sample_rate=RATE, timeline=Timeline(TEXT, 0.9, blocks, ()))


def _fake(pcm: np.ndarray, rate: int) -> str:
    # The title block is 300 samples long, the paragraph 400.
    return "Huawei news" if len(pcm) == 300 else "Shares of Hugh away rose on Monday."


@pytest.fixture
def narration_id(settings: Settings) -> str:
    with session_scope(settings.database_url) as session:  # creates the schema
        article = Article(source_kind="text", source=TEXT, blocks=[], voice="v")
        session.add(article)
        session.flush()
        narration = Narration(article_id=article.id, version=1, voice="v", status="done")
        session.add(narration)
        session.flush()
        return narration.id


def test_paragraphs_of_cuts_each_block_and_its_text() -> None:
    blocks = paragraphs_of(_synthesized())
    assert [(text, len(pcm), rate, offset) for text, pcm, rate, offset in blocks] == [
        ("Huawei news", 300, RATE, 0),
        ("Shares of Huawei rose on Monday.", 400, RATE, 13),
    ]


def test_review_narration_records_scores_and_differences(settings: Settings, narration_id: str) -> None:
    score = review_narration(settings, narration_id, _synthesized(), transcriber=_fake)
    with session_scope(settings.database_url) as session:
        review = reviews.get_review(session, narration_id)
        assert review.score == score
        title, paragraph = review.paragraphs
    assert title["score"] == 1.0 and title["differences"] == []
    assert paragraph["offset"] == 13
    assert paragraph["differences"] == [{"expected": "Huawei", "start": 10, "end": 16, "heard": "hugh away"}]
    assert TEXT[13 + 10 : 13 + 16] == "Huawei"
    assert 0 < score < 1


def test_a_failing_recognizer_records_nothing_and_does_not_raise(settings: Settings, narration_id: str) -> None:
    def broken(pcm: np.ndarray, rate: int) -> str:
        raise RuntimeError("model file missing")

    assert review_narration(settings, narration_id, _synthesized(), transcriber=broken) is None
    with session_scope(settings.database_url) as session, pytest.raises(reviews.ReviewNotAvailable):
        reviews.get_review(session, narration_id)
