"""ASR self-check: how well a speech recognizer hears each narrated paragraph, and which words it hears differently.

Each paragraph's audio is transcribed with Moonshine (`workers.narration.asr`, model
loaded once per process) and compared with the paragraph as a presenter would
say it: both sides go through the text normalizer, so "$5" written and "five
dollars" heard (or "5 dollars" heard) agree. The score is 1 - WER over those
words (0..1). Differences are the aligned runs of words that disagree, each
with the written text it stands for (character offsets into the paragraph) and
what was heard instead, so an editor can see which name needs a lexicon entry.

The reference is the written text without the lexicon: an entry is meant to
make the written word heard, so "Huawei" said as "Wah-way" and heard as
"Huawei" agrees. Words the recognizer adds between two agreeing words count in
the score but are not listed (they point at no written word).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

import jiwer
import numpy as np

from service.articles.reviews import record_review
from service.core.db import session_scope
from service.core.settings import Settings
from service.document.normalize import normalize
from workers.narration.asr import (
    IsolatedRecognizer,
    comparable_words,
    glued,
    glued_runs,
    one_spelling,
)

if TYPE_CHECKING:
    from workers.narration.layout import SynthesizedAudio

log = logging.getLogger(__name__)

Transcriber = Callable[[np.ndarray, int], str]


@dataclass(frozen=True)
class Difference:
    """Written words (paragraph[start:end]) that were heard as `heard` ("" = not heard at all)."""

    expected: str
    start: int
    end: int
    heard: str


@dataclass(frozen=True)
class ParagraphReview:
    """How one paragraph was heard: agreement score 0..1 and the differing words."""

    index: int
    text: str
    score: float
    heard: str
    words: int  # reference words, to weigh paragraphs in an overall score
    errors: int  # substitutions + deletions + insertions
    differences: tuple[Difference, ...]
    offset: int = 0  # where the paragraph starts in the article text (differences are paragraph offsets)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["differences"] = [asdict(d) for d in self.differences]
        return data


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int


def reference_tokens(text: str) -> list[_Token]:
    """The paragraph's spoken words in comparable form, each with the written span it came from."""
    tokens: list[_Token] = []
    for word, start, end in normalize(text).words():
        for part in comparable_words(word):
            tokens.append(_Token(one_spelling(part), start, end))
    return tokens


def heard_words(transcript: str) -> list[str]:
    """What was heard in comparable form, read the way the reference is ("$5" -> "five dollars")."""
    return comparable_words(normalize(transcript).text)


def compare(index: int, text: str, transcript: str) -> ParagraphReview:
    """Score and differences of one paragraph against what was heard."""
    ref = reference_tokens(text)
    hyp = [one_spelling(w) for w in heard_words(transcript)]
    # Spelling and spacing are not pronunciation: "DeepSeek" heard as "deep seek", "AI" read as "a i".
    ref = [
        _Token("".join(t.word for t in ref[a:b]), ref[a].start, max(t.end for t in ref[a:b]))
        for a, b in glued_runs([t.word for t in ref], set(hyp))
    ]
    hyp = glued(hyp, {t.word for t in ref})
    if not ref:
        return ParagraphReview(index, text, 1.0 if not hyp else 0.0, transcript, 0, len(hyp), ())
    if not hyp:
        diff = Difference(text[ref[0].start : ref[-1].end], ref[0].start, ref[-1].end, "")
        return ParagraphReview(index, text, 0.0, transcript, len(ref), len(ref), (diff,))
    out = jiwer.process_words(" ".join(t.word for t in ref), " ".join(hyp))
    errors = out.substitutions + out.deletions + out.insertions
    differences: list[Difference] = []
    run: list[Any] = []  # consecutive non-equal chunks

    def flush() -> None:
        if not run:
            return
        r0, r1 = run[0].ref_start_idx, run[-1].ref_end_idx
        h0, h1 = run[0].hyp_start_idx, run[-1].hyp_end_idx
        run.clear()
        if r1 == r0:
            return  # only insertions: no written word to point at
        start, end = ref[r0].start, max(t.end for t in ref[r0:r1])
        differences.append(Difference(text[start:end], start, end, " ".join(hyp[h0:h1])))

    for chunk in out.alignments[0]:
        if chunk.type == "equal":
            flush()
        else:
            run.append(chunk)
    flush()
    score = max(0.0, 1.0 - errors / len(ref))
    return ParagraphReview(index, text, round(score, 4), transcript, len(ref), errors, tuple(_merge(text, differences)))


def _merge(text: str, differences: list[Difference]) -> list[Difference]:
    """Join differences that point into the same written span (one written token said as several words)."""
    merged: list[Difference] = []
    for d in differences:
        if merged and d.start < merged[-1].end:
            last = merged[-1]
            end = max(last.end, d.end)
            merged[-1] = Difference(text[last.start : end], last.start, end, f"{last.heard} {d.heard}".strip())
        else:
            merged.append(d)
    return merged


def review_paragraphs(
    paragraphs: Sequence[tuple[str, np.ndarray, int]],
    *,
    transcriber: Transcriber,
) -> list[ParagraphReview]:
    """Transcribe each (written text, PCM, sample rate) and compare it with the text.

    `transcriber` is the recognizer (`IsolatedRecognizer.transcribe`; tests may
    pass a fake). About 1.5 CPU seconds per 10 s of audio, plus about 5 to load the model.
    """
    reviews = []
    for index, (text, pcm, rate) in enumerate(paragraphs):
        transcript = transcriber(np.asarray(pcm, dtype=np.float32), int(rate)) if len(pcm) else ""
        reviews.append(compare(index, text, transcript))
    return reviews


def overall_score(reviews: Sequence[ParagraphReview]) -> float:
    """1 - WER over the whole narration (paragraphs weighted by their words)."""
    words = sum(r.words for r in reviews)
    if not words:
        return 1.0
    return round(max(0.0, 1.0 - sum(r.errors for r in reviews) / words), 4)


def paragraphs_of(synthesized: SynthesizedAudio) -> list[tuple[str, np.ndarray, int, int]]:
    """(written text, PCM, sample rate, offset in the article text) of each spoken block of a narration."""
    timeline = synthesized.timeline
    return [(timeline.value(b), synthesized.samples(b), synthesized.sample_rate, b.src_start) for b in timeline.blocks]


def review_synthesized(synthesized: SynthesizedAudio, *, transcriber: Transcriber) -> list[ParagraphReview]:
    """`review_paragraphs` over a synthesized narration's blocks, each knowing its offset in the article."""
    blocks = paragraphs_of(synthesized)
    reviews = review_paragraphs([(text, pcm, rate) for text, pcm, rate, _ in blocks], transcriber=transcriber)
    return [replace(r, offset=offset) for r, (_, _, _, offset) in zip(reviews, blocks, strict=True)]


def review_narration(
    settings: Settings, narration_id: str, synthesized: SynthesizedAudio, *, transcriber: Transcriber | None = None
) -> float | None:
    """Review a finished narration and record it (GET /v1/narrations/{id}/review); returns the score.

    The recognizer runs in a memory-limited child process unless `transcriber`
    is given. Never raises: the review is advisory, so a failure is logged and
    the narration stays as it is (None is returned).
    """
    try:
        if transcriber is None:
            with IsolatedRecognizer() as recognizer:
                reviews = review_synthesized(synthesized, transcriber=recognizer.transcribe)
        else:
            reviews = review_synthesized(synthesized, transcriber=transcriber)
        score = overall_score(reviews)
        with session_scope(settings.database_url) as session:
            record_review(session, narration_id, [r.to_json() for r in reviews], score)
    except Exception:  # advisory: the narration is already published
        log.exception("ASR review of narration %s failed", narration_id)
        return None
    log.info("narration %s ASR review: score %.3f over %d paragraphs", narration_id, score, len(reviews))
    return score
