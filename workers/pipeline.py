"""The narration pipeline as plain functions: document -> PCM -> mastered, tagged MP3 + timings.

Tasks and the CLI call these; nothing here knows about Celery or HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from service.text.document import BlockKind, Document
from service.text.sentences import split_sentences
from service.voices import Voice
from workers.alignment import Phonemizer, align_words, phoneme_words
from workers.audio.master import MAX_TRUE_PEAK_DBTP, TARGET_LUFS, encode_mastered_mp3
from workers.audio.mix import CROSSFADE_MS, with_intro_outro
from workers.audio.pcm import fade_edges, resample, silence
from workers.audio.tags import AudioTags, write_tags
from workers.captions import webvtt
from workers.chapters import Chapter, chapters_json, chapters_of
from workers.engines.base import Engine, PhonemeTiming
from workers.marks import marks_json
from workers.phonemes import word_phonemizer
from workers.spoken import SpokenForm, spoken_form
from workers.timings import Timed, TimedBlock, TimedSentence, Timeline

ProgressCallback = Callable[[float], None]

# Raised-cosine fade at both ends of every sentence: no clicks at the joins.
JOIN_FADE_MS = 8.0


@dataclass(frozen=True)
class WordClip:
    """Where one written word is heard (engine-rate samples) and where it is written."""

    start: int
    end: int
    src_start: int
    src_end: int


@dataclass(frozen=True)
class SentenceClip:
    """Where one synthesized sentence sits in the narration (engine-rate samples)."""

    block_index: int
    text: str
    start: int
    end: int
    src_start: int = 0
    src_end: int = 0
    words: tuple[WordClip, ...] = ()


@dataclass(frozen=True)
class BlockClip:
    """Where one spoken block sits in the narration (engine-rate samples) and in the text."""

    kind: BlockKind
    start: int
    end: int
    src_start: int
    src_end: int


@dataclass(frozen=True)
class SynthesizedAudio:
    """The joined PCM of a whole document at the engine's rate, and its layout."""

    pcm: np.ndarray
    sample_rate: int
    clips: tuple[SentenceClip, ...]
    blocks: tuple[BlockClip, ...] = ()
    text: str = ""

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / float(self.sample_rate)

    def timeline(self, *, offset_s: float = 0.0, duration_s: float | None = None) -> Timeline:
        """The layout in seconds; `offset_s` is where this audio starts in the final file."""
        rate = float(self.sample_rate)

        def at(sample: int) -> float:
            return offset_s + sample / rate

        sentences = tuple(
            TimedSentence(
                at(c.start),
                at(c.end),
                c.src_start,
                c.src_end,
                words=tuple(Timed(at(w.start), at(w.end), w.src_start, w.src_end) for w in c.words),
            )
            for c in self.clips
        )
        blocks = tuple(TimedBlock(at(b.start), at(b.end), b.src_start, b.src_end, kind=b.kind) for b in self.blocks)
        total = duration_s if duration_s is not None else at(len(self.pcm))
        return Timeline(text=self.text, duration_s=total, blocks=blocks, sentences=sentences)


@dataclass(frozen=True)
class RenderedNarration:
    """An encoded narration on disk, the facts about it, and its timing files."""

    path: Path
    duration_s: float
    synthesized: SynthesizedAudio
    timeline: Timeline | None = None
    chapters: tuple[Chapter, ...] = ()
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    captions_vtt: str = ""
    marks_json: str = ""
    chapters_json: str = ""


def spoken_units(document: Document, language: str, max_chars: int) -> list[tuple[int, BlockKind, list[str]]]:
    """(block index, block kind, sentences) for every spoken block."""
    return [
        (i, block.kind, split_sentences(block.text, language=language, max_chars=max_chars))
        for i, block in enumerate(document.spoken_blocks())
    ]


def pause_between(voice: Voice, before: BlockKind, after: BlockKind) -> int:
    """Milliseconds of silence between two blocks: longer around headings."""
    if before in ("title", "heading") or after in ("title", "heading"):
        return voice.pauses.heading_ms
    return voice.pauses.paragraph_ms


def sentence_words(
    spoken: SpokenForm,
    src_start: int,
    phonemes: Sequence[PhonemeTiming],
    samples: int,
    position: int,
    phonemize: Phonemizer | None,
) -> tuple[WordClip, ...]:
    """Where each written word of a synthesized sentence is heard.

    `spoken` is what the engine read; its words carry offsets into the sentence
    as written, which starts at `src_start` in the article text and at sample
    `position` in the narration.
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


def synthesize_document(
    document: Document,
    voice: Voice,
    engine: Engine,
    *,
    on_progress: ProgressCallback | None = None,
) -> SynthesizedAudio:
    """Synthesize every sentence and join them with pauses by structure, keeping where everything is."""
    language = document.language or voice.language
    units = spoken_units(document, language, engine.max_chars)
    offsets = document.block_offsets()
    blocks_text = [b.text for b in document.spoken_blocks()]
    phonemize = word_phonemizer(voice)
    total_chars = sum(len(s) for _, _, sentences in units for s in sentences) or 1
    rate = engine.sample_rate
    pieces: list[np.ndarray] = []
    clips: list[SentenceClip] = []
    blocks: list[BlockClip] = []
    position = done_chars = 0
    for unit_no, (block_index, kind, sentences) in enumerate(units):
        block_start = position
        cursor = 0
        for sentence_no, sentence in enumerate(sentences):
            # Sentences are stripped substrings of their block, in order.
            found = blocks_text[block_index].find(sentence, cursor)
            at = found if found >= 0 else cursor
            cursor = at + len(sentence)
            src_start = offsets[block_index][0] + at
            spoken = spoken_form(sentence)
            audio = engine.synthesize(spoken.text)
            pcm = audio.pcm if audio.sample_rate == rate else resample(audio.pcm, audio.sample_rate, rate)
            pcm = fade_edges(pcm, rate, JOIN_FADE_MS)
            words = sentence_words(spoken, src_start, audio.phonemes, len(pcm), position, phonemize)
            clips.append(
                SentenceClip(
                    block_index, sentence, position, position + len(pcm), src_start, src_start + len(sentence), words
                )
            )
            pieces.append(pcm)
            position += len(pcm)
            if sentence_no < len(sentences) - 1:
                gap = silence(voice.pauses.sentence_ms, rate)
                pieces.append(gap)
                position += len(gap)
            done_chars += len(sentence)
            if on_progress:
                on_progress(done_chars / total_chars)
        block_end = clips[-1].end if sentences else position
        blocks.append(BlockClip(kind, block_start, block_end, *offsets[block_index]))
        if unit_no < len(units) - 1:
            gap = silence(pause_between(voice, kind, units[unit_no + 1][1]), rate)
            pieces.append(gap)
            position += len(gap)
    pcm = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    return SynthesizedAudio(
        pcm=pcm.astype(np.float32, copy=False),
        sample_rate=rate,
        clips=tuple(clips),
        blocks=tuple(blocks),
        text=document.text,
    )


@dataclass(frozen=True)
class Mastering:
    """How the finished file should sound and what surrounds the speech."""

    target_lufs: float = TARGET_LUFS
    max_true_peak_dbtp: float = MAX_TRUE_PEAK_DBTP
    intro: Path | None = None
    outro: Path | None = None
    crossfade_ms: int = CROSSFADE_MS
    tags: AudioTags | None = None


def render_mp3(
    synthesized: SynthesizedAudio,
    path: Path,
    *,
    sample_rate: int = 44100,
    kbps: int = 64,
    mastering: Mastering | None = None,
) -> RenderedNarration:
    """Resample, add intro/outro, master, encode once, tag: the finished MP3 at `path`, and its timings."""
    settings = mastering or Mastering()
    speech = resample(synthesized.pcm, synthesized.sample_rate, sample_rate)
    mixed = with_intro_outro(
        speech, sample_rate, intro=settings.intro, outro=settings.outro, crossfade_ms=settings.crossfade_ms
    )
    encoded = encode_mastered_mp3(
        mixed.pcm,
        sample_rate,
        path,
        kbps=kbps,
        target_lufs=settings.target_lufs,
        max_true_peak_dbtp=settings.max_true_peak_dbtp,
    )
    timeline = synthesized.timeline(offset_s=mixed.speech_offset_s, duration_s=encoded.duration_s)
    chapters = chapters_of(timeline)
    write_tags(path, settings.tags or AudioTags(), chapters, encoded.duration_s)
    return RenderedNarration(
        path=path,
        duration_s=encoded.duration_s,
        synthesized=synthesized,
        timeline=timeline,
        chapters=chapters,
        loudness_lufs=encoded.loudness_lufs,
        true_peak_dbtp=encoded.true_peak_dbtp,
        captions_vtt=webvtt(timeline),
        marks_json=marks_json(timeline),
        chapters_json=chapters_json(chapters),
    )


def narrate_document(
    document: Document,
    voice: Voice,
    engine: Engine,
    path: Path,
    *,
    sample_rate: int = 44100,
    kbps: int = 64,
    on_progress: ProgressCallback | None = None,
    tags: AudioTags | None = None,
    intro: Path | None = None,
    outro: Path | None = None,
) -> RenderedNarration:
    """The whole pipeline for one document: synthesize, join, master, encode and tag to `path`."""
    synthesized = synthesize_document(document, voice, engine, on_progress=on_progress)
    return render_mp3(
        synthesized, path, sample_rate=sample_rate, kbps=kbps, mastering=Mastering(intro=intro, outro=outro, tags=tags)
    )
