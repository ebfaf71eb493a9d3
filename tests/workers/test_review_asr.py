"""The ASR self-check on the real voice: it flags a name the voice misreads, and not once the lexicon fixes it.

Nike is in the default lexicon because of bench/lexicon_probe.py: as written,
eSpeak (and so the Piper voice) says one syllable, /naɪk/, heard as "night" or
"Mike"; with the shipped respelling it is heard as "Nike". Synthesis is random
(Piper's noise), so each side takes two samples and must agree in both.
"""

from __future__ import annotations

import pytest

from service.lexicon import default_pronunciations
from service.settings import Settings
from service.text.normalize import normalize
from service.voices import get_voice
from workers.engines import load_engine
from workers.review import ParagraphReview, review_paragraphs

pytest.importorskip("moonshine_cpp")

TERM = "Nike"
TEXT = "Shares of Nike fell on Monday."
SAMPLES = 2


def _flags_term(review: ParagraphReview) -> bool:
    start = TEXT.index(TERM)
    end = start + len(TERM)
    return any(d.start < end and start < d.end for d in review.differences)


@pytest.fixture(scope="module")
def reviews() -> dict[str, list[ParagraphReview]]:
    settings = Settings()
    engine = load_engine(get_voice(settings.voices_dir, settings.default_voice))
    alias = default_pronunciations()[TERM]
    out: dict[str, list[ParagraphReview]] = {}
    for name, lexicon in (("without", None), ("with", {TERM: alias})):
        clips = [engine.synthesize(normalize(TEXT, lexicon).text) for _ in range(SAMPLES)]
        out[name] = review_paragraphs([(TEXT, clip.pcm, clip.sample_rate) for clip in clips])
    return out


def test_without_its_entry_the_misread_name_is_flagged(reviews: dict[str, list[ParagraphReview]]) -> None:
    for review in reviews["without"]:
        assert _flags_term(review), f"heard {review.heard!r}"
        assert review.score < 1.0


def test_with_the_lexicon_alias_the_flag_goes_away(reviews: dict[str, list[ParagraphReview]]) -> None:
    for review in reviews["with"]:
        assert not _flags_term(review), f"heard {review.heard!r}: {review.differences}"
