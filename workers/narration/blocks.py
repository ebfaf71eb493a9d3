"""Spoken blocks synthesized on their own: the unit of the segment cache.

A block (title, heading, paragraph, quote, list item) is synthesized sentence
by sentence into PCM at the engine's rate, with where each sentence and each
written word is heard. Nothing here knows where the block will sit in a
narration: positions are relative to the block (see workers/narration/layout.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from service.audio.pcm import fade_edges, resample, silence
from service.core.voices import Voice
from service.document.model import BlockKind, Document
from service.document.sentences import split_sentences
from workers.synthesis.alignment import Phonemizer, align_words, phoneme_words
from workers.synthesis.base import Engine, PhonemeTiming
from workers.synthesis.phonemes import word_phonemizer
from workers.synthesis.spoken import SpokenForm, spoken_form

ProgressCallback = Callable[[float], None]

# Raised-cosine fade at both ends of every sentence: no clicks at the joins.
JOIN_FADE_MS = 8.0


@dataclass(frozen=True)
class WordClip:
    """Where one written word is heard (samples) and where it is written (characters)."""

    start: int
    end: int
    src_start: int
    src_end: int


@dataclass(frozen=True)
class SentenceClip:
    """Where one synthesized sentence is heard in its block (samples) and written in it (characters)."""

    text: str
    start: int
    end: int
    src_start: int = 0
    src_end: int = 0
    words: tuple[WordClip, ...] = ()


@dataclass(frozen=True)
class BlockAudio:
    """One spoken block synthesized on its own: the unit of the segment cache.

    Sample positions are relative to the block's first sample and source
    offsets to the block's first character, so the same block can be placed
    anywhere in any narration.
    """

    kind: BlockKind
    text: str
    pcm: np.ndarray
    sample_rate: int
    clips: tuple[SentenceClip, ...]

    def timings(self) -> dict[str, Any]:
        """The JSON-able layout (everything but the PCM)."""
        return {
            "kind": self.kind,
            "text": self.text,
            "sample_rate": self.sample_rate,
            "sentences": [
                {
                    "text": c.text,
                    "start": c.start,
                    "end": c.end,
                    "src_start": c.src_start,
                    "src_end": c.src_end,
                    "words": [[w.start, w.end, w.src_start, w.src_end] for w in c.words],
                }
                for c in self.clips
            ],
        }

    @classmethod
    def from_timings(cls, timings: dict[str, Any], pcm: np.ndarray) -> BlockAudio:
        clips = tuple(
            SentenceClip(
                c["text"],
                c["start"],
                c["end"],
                c["src_start"],
                c["src_end"],
                tuple(WordClip(*w) for w in c["words"]),
            )
            for c in timings["sentences"]
        )
        return cls(timings["kind"], timings["text"], pcm.astype(np.float32, copy=False), timings["sample_rate"], clips)


def sentence_words(
    spoken: SpokenForm,
    src_start: int,
    phonemes: Sequence[PhonemeTiming],
    samples: int,
    *,
    position: int,
    phonemize: Phonemizer | None,
) -> tuple[WordClip, ...]:
    """Where each written word of a synthesized sentence is heard.

    `spoken` is what the engine read; its words carry offsets into the sentence
    as written, which starts at `src_start` in the block's text and at sample
    `position` in the block.
    """
    words = spoken.words()
    spans = align_words([w for w, _, _ in words], phoneme_words(phonemes, samples), samples, phonemize)
    clips = [
        WordClip(position + start, position + end, src_start + s, src_start + e)
        for (_, s, e), (start, end) in zip(words, spans, strict=True)
    ]
    # The normalizer may say one written token as several words ("25" -> "twenty five"):
    # a mark is per written span, from the first spoken word to the last.
    merged: list[WordClip] = []
    for clip in clips:
        if merged and (merged[-1].src_start, merged[-1].src_end) == (clip.src_start, clip.src_end):
            merged[-1] = WordClip(merged[-1].start, clip.end, clip.src_start, clip.src_end)
        else:
            merged.append(clip)
    return tuple(merged)


def synthesize_block(
    text: str,
    kind: BlockKind,
    voice: Voice,
    engine: Engine,
    *,
    language: str,
    lexicon: Mapping[str, str] | None = None,
    phonemize: Phonemizer | None = None,
    on_sentence: Callable[[int], None] | None = None,
) -> BlockAudio:
    """Synthesize one block sentence by sentence: normalized, faded at the joins, sentence pauses between.

    `on_sentence` is called with the number of written characters just spoken.
    """
    rate = engine.sample_rate
    pieces: list[np.ndarray] = []
    clips: list[SentenceClip] = []
    position = cursor = 0
    sentences = split_sentences(text, language=language, max_chars=engine.max_chars)
    for sentence_no, sentence in enumerate(sentences):
        # Sentences are stripped substrings of their block, in order.
        found = text.find(sentence, cursor)
        at = found if found >= 0 else cursor
        cursor = at + len(sentence)
        spoken = spoken_form(sentence, lexicon)
        audio = engine.synthesize(spoken.text)
        pcm = audio.pcm if audio.sample_rate == rate else resample(audio.pcm, audio.sample_rate, rate)
        pcm = fade_edges(pcm, rate, JOIN_FADE_MS)
        words = sentence_words(spoken, at, audio.phonemes, len(pcm), position=position, phonemize=phonemize)
        clips.append(SentenceClip(sentence, position, position + len(pcm), at, at + len(sentence), words))
        pieces.append(pcm)
        position += len(pcm)
        if sentence_no < len(sentences) - 1:
            gap = silence(voice.pauses.sentence_ms, rate)
            pieces.append(gap)
            position += len(gap)
        if on_sentence:
            on_sentence(len(sentence))
    pcm = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    return BlockAudio(kind, text, pcm.astype(np.float32, copy=False), rate, tuple(clips))


def synthesize_blocks(
    document: Document,
    voice: Voice,
    engine: Engine,
    *,
    on_progress: ProgressCallback | None = None,
    lexicon: Mapping[str, str] | None = None,
    on_block: Callable[[int, BlockAudio], None] | None = None,
) -> list[BlockAudio]:
    """Synthesize every spoken block in this process (the CLI path; workers fan out instead).

    `on_block` is called with each block as soon as it is made.
    """
    language = document.language or voice.language
    phonemize = word_phonemizer(voice)
    spoken = document.spoken_blocks()
    total_chars = sum(len(b.text) for b in spoken) or 1
    done = 0

    def on_sentence(chars: int) -> None:
        nonlocal done
        done += chars
        if on_progress:
            on_progress(min(done / total_chars, 1.0))

    blocks: list[BlockAudio] = []
    for index, b in enumerate(spoken):
        block = synthesize_block(
            b.text,
            b.kind,
            voice,
            engine,
            language=language,
            phonemize=phonemize,
            on_sentence=on_sentence,
            lexicon={**(lexicon or {}), **dict(b.lexicon)} if b.lexicon else lexicon,  # the block's own win
        )
        blocks.append(block)
        if on_block:
            on_block(index, block)
    return blocks
