"""The ASR self-check's comparison: scores and differing words, with a fake recognizer (no audio model)."""

from __future__ import annotations

import numpy as np

from workers.narration.review import (
    Difference,
    compare,
    overall_score,
    review_paragraphs,
)


def test_what_was_heard_exactly_scores_one() -> None:
    review = compare(0, "The harbor festival returns on Saturday.", "The harbor festival returns on Saturday")
    assert review.score == 1.0
    assert review.differences == ()


def test_numbers_money_and_symbols_are_compared_as_spoken() -> None:
    # "$5" written, "five dollars" or "5 dollars" heard: the same words once both are normalized.
    for heard in ("It cost five dollars at 3 p.m.", "It cost 5 dollars at three PM."):
        review = compare(0, "It cost $5 at 3pm.", heard)
        assert review.differences == (), (heard, review.differences)
        assert review.score == 1.0


def test_a_misheard_name_is_listed_with_its_written_offsets() -> None:
    text = "Shares of Huawei rose on Monday."
    review = compare(3, text, "Shares of Hugh away rose on Monday.")
    assert review.index == 3
    assert review.differences == (Difference("Huawei", 10, 16, "hugh away"),)
    assert text[10:16] == "Huawei"
    assert 0 < review.score < 1


def test_a_word_not_heard_at_all_is_listed_as_heard_nothing() -> None:
    review = compare(0, "Officials met in Kyiv today.", "Officials met in today.")
    assert review.differences == (Difference("Kyiv", 17, 21, ""),)


def test_a_rewritten_token_is_one_difference_over_its_written_span() -> None:
    text = "It cost $12.86 billion."
    review = compare(0, text, "It cost twelve point eight seven billion dollars.")
    (diff,) = review.differences
    assert text[diff.start : diff.end] == diff.expected
    assert "$12.86" in diff.expected and diff.heard == "seven"


def test_silence_scores_zero_and_lists_the_whole_paragraph() -> None:
    review = compare(0, "Nothing was heard.", "")
    assert review.score == 0.0
    assert review.differences == (Difference("Nothing was heard", 0, 17, ""),)


def test_review_paragraphs_transcribes_each_paragraph_in_order() -> None:
    calls: list[tuple[int, int]] = []
    heard = iter(["Good morning.", "Chairs of Huawei."])

    def fake(pcm: np.ndarray, rate: int) -> str:
        calls.append((len(pcm), rate))
        return next(heard)

    reviews = review_paragraphs(
        [("Good morning.", np.zeros(100, np.float32), 22050), ("Shares of Huawei.", np.zeros(50, np.float32), 16000)],
        transcriber=fake,
    )
    assert calls == [(100, 22050), (50, 16000)]
    assert [r.index for r in reviews] == [0, 1]
    assert reviews[0].score == 1.0
    assert reviews[1].differences[0].expected == "Shares"
    assert overall_score(reviews) == round(1 - (reviews[0].errors + reviews[1].errors) / 5, 4)


def test_to_json_is_what_the_api_serves() -> None:
    data = compare(0, "Shares of Huawei rose.", "Shares of Hugh away rose.").to_json()
    assert set(data) >= {"index", "text", "score", "differences"}
    assert data["differences"] == [{"expected": "Huawei", "start": 10, "end": 16, "heard": "hugh away"}]


def test_spacing_and_spelling_are_not_flagged_as_misreadings() -> None:
    review = compare(0, "DeepSeek's AI optimisation.", "Deep Seek's A.I. optimization.")
    assert review.differences == () and review.score == 1.0
