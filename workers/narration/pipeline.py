"""The narration pipeline as plain functions: document -> blocks of PCM -> mastered, encoded parts -> tagged MP3 + timings.

Tasks and the CLI call these; nothing here knows about Celery or HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from service.core.voices import Voice
from service.document.model import BlockKind, Document
from service.document.sentences import split_sentences
from service.segments.pauses import pauses_after
from workers.audio.master import MAX_TRUE_PEAK_DBTP, TARGET_LUFS
from workers.audio.mix import CROSSFADE_MS, with_intro_outro
from workers.audio.parts import EncodedPart, encode_part, join_parts, pause_part
from workers.audio.pcm import fade_edges, resample, samples_in, silence
from workers.audio.tags import AudioTags, write_tags
from workers.narration.captions import webvtt
from workers.narration.chapters import Chapter, chapters_json, chapters_of
from workers.narration.marks import marks_json
from workers.narration.timings import Timed, TimedBlock, TimedSentence, Timeline
from workers.synthesis.alignment import Phonemizer, align_words, phoneme_words
from workers.synthesis.base import Engine, PhonemeTiming
from workers.synthesis.phonemes import word_phonemizer
from workers.synthesis.spoken import SpokenForm, spoken_form

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
    """The joined PCM of a whole document at the engine's rate, and its layout: what the ASR review hears.

    The MP3 itself is joined from encoded parts (`render_mp3`), not from this PCM.
    """

    pcm: np.ndarray
    sample_rate: int
    clips: tuple[SentenceClip, ...]
    blocks: tuple[BlockClip, ...] = ()
    text: str = ""

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / float(self.sample_rate)


@dataclass(frozen=True)
class RenderedNarration:
    """An encoded narration on disk, the facts about it, and its timing files."""

    path: Path
    duration_s: float
    timeline: Timeline
    chapters: tuple[Chapter, ...] = ()
    true_peak_dbtp: float | None = None  # the highest of its parts', as decoded
    captions_vtt: str = ""
    marks_json: str = ""
    chapters_json: str = ""


def block_pause_ms(document: Document, voice: Voice, blocks: Sequence[BlockAudio], index: int) -> int:
    """The pause after spoken block `index`, by the one rule (service/segments/pauses.py)."""
    return pauses_after(voice.pauses, document.spoken_blocks())[index]


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
                0,
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
        words = sentence_words(spoken, at, audio.phonemes, len(pcm), position, phonemize)
        clips.append(SentenceClip(0, sentence, position, position + len(pcm), at, at + len(sentence), words))
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


def join_blocks(document: Document, voice: Voice, blocks: Sequence[BlockAudio]) -> SynthesizedAudio:
    """Place synthesized blocks one after another with pauses by structure, in document coordinates."""
    if not blocks:
        return SynthesizedAudio(np.zeros(0, dtype=np.float32), 22050, (), (), document.text)
    rate = blocks[0].sample_rate
    offsets = document.block_offsets()
    pieces: list[np.ndarray] = []
    clips: list[SentenceClip] = []
    placed: list[BlockClip] = []
    position = 0
    for index, block in enumerate(blocks):
        pcm = block.pcm if block.sample_rate == rate else resample(block.pcm, block.sample_rate, rate)
        scale = rate / block.sample_rate
        src = offsets[index][0]

        def at(sample: int) -> int:
            return position + int(round(sample * scale))

        for c in block.clips:
            words = tuple(WordClip(at(w.start), at(w.end), src + w.src_start, src + w.src_end) for w in c.words)
            clips.append(SentenceClip(index, c.text, at(c.start), at(c.end), src + c.src_start, src + c.src_end, words))
        block_end = at(block.clips[-1].end) if block.clips else position
        placed.append(BlockClip(block.kind, position, block_end, *offsets[index]))
        pieces.append(pcm)
        position += len(pcm)
        if index < len(blocks) - 1:
            gap = silence(block_pause_ms(document, voice, blocks, index), rate)
            pieces.append(gap)
            position += len(gap)
    pcm = np.concatenate(pieces)
    return SynthesizedAudio(
        pcm=pcm.astype(np.float32, copy=False),
        sample_rate=rate,
        clips=tuple(clips),
        blocks=tuple(placed),
        text=document.text,
    )


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


@dataclass(frozen=True)
class Mastering:
    """How the finished file should sound and what surrounds the speech."""

    target_lufs: float = TARGET_LUFS
    max_true_peak_dbtp: float = MAX_TRUE_PEAK_DBTP
    intro: Path | None = None
    outro: Path | None = None
    crossfade_ms: int = CROSSFADE_MS
    tags: AudioTags | None = None


# Where a block stands in its narration decides whether an intro or outro is mixed into its part.
PartSource = Callable[[int, BlockAudio, bool, bool], EncodedPart]


def block_part(
    block: BlockAudio,
    *,
    sample_rate: int = 44100,
    kbps: int = 64,
    mastering: Mastering | None = None,
    first: bool = False,
    last: bool = False,
) -> EncodedPart:
    """One block mastered and encoded on its own; the narration's first and last take the intro and outro."""
    settings = mastering or Mastering()
    speech = resample(block.pcm, block.sample_rate, sample_rate)
    mixed = with_intro_outro(
        speech,
        sample_rate,
        intro=settings.intro if first else None,
        outro=settings.outro if last else None,
        crossfade_ms=settings.crossfade_ms,
    )
    return encode_part(
        mixed.pcm,
        sample_rate,
        kbps=kbps,
        target_lufs=settings.target_lufs,
        max_true_peak_dbtp=settings.max_true_peak_dbtp,
        lead_in=round(mixed.speech_offset_s * sample_rate),
    )


def placed_timeline(
    document: Document, blocks: Sequence[BlockAudio], starts_s: Sequence[float], duration_s: float
) -> Timeline:
    """The narration's layout in seconds: each block's own timings moved to where it starts in the file."""
    offsets = document.block_offsets()
    sentences: list[TimedSentence] = []
    placed: list[TimedBlock] = []
    for index, (block, start_s) in enumerate(zip(blocks, starts_s, strict=True)):
        rate, src = float(block.sample_rate), offsets[index][0]

        def at(sample: int) -> float:
            return start_s + sample / rate

        for c in block.clips:
            words = tuple(Timed(at(w.start), at(w.end), src + w.src_start, src + w.src_end) for w in c.words)
            sentences.append(TimedSentence(at(c.start), at(c.end), src + c.src_start, src + c.src_end, words=words))
        end_s = at(block.clips[-1].end) if block.clips else start_s
        placed.append(TimedBlock(start_s, end_s, *offsets[index], kind=block.kind))
    return Timeline(text=document.text, duration_s=duration_s, blocks=tuple(placed), sentences=tuple(sentences))


def render_mp3(
    document: Document,
    voice: Voice,
    blocks: Sequence[BlockAudio],
    path: Path,
    *,
    sample_rate: int = 44100,
    kbps: int = 64,
    mastering: Mastering | None = None,
    parts: PartSource | None = None,
) -> RenderedNarration:
    """The finished, tagged MP3 at `path` and its timings, from a document's synthesized blocks.

    Each block becomes an independently mastered and encoded part (from
    `parts`, a cache, when given); the parts are joined frame by frame with
    silent parts for the pauses by structure, so nothing is encoded twice.
    """
    settings = mastering or Mastering()
    if not blocks:
        raise ValueError("a narration needs at least one spoken block")
    last = len(blocks) - 1

    def made(index: int, block: BlockAudio, first: bool, final: bool) -> EncodedPart:
        return block_part(block, sample_rate=sample_rate, kbps=kbps, mastering=settings, first=first, last=final)

    source = parts or made
    sequence: list[EncodedPart] = []
    block_positions: list[int] = []
    for index, block in enumerate(blocks):
        part = source(index, block, index == 0, index == last)
        block_positions.append(len(sequence))
        sequence.append(part)
        if index < last:
            pause = pause_part(part, samples_in(block_pause_ms(document, voice, blocks, index), sample_rate), kbps)
            if pause is not None:
                sequence.append(pause)
    joined = join_parts(sequence, path, kbps=kbps)
    starts_s = [(joined.starts[k] + sequence[k].lead_in) / sample_rate for k in block_positions]
    timeline = placed_timeline(document, blocks, starts_s, joined.duration_s)
    chapters = chapters_of(timeline)
    write_tags(path, settings.tags or AudioTags(), chapters, joined.duration_s)
    return RenderedNarration(
        path=path,
        duration_s=joined.duration_s,
        timeline=timeline,
        chapters=chapters,
        true_peak_dbtp=max(p.true_peak_dbtp for p in sequence),
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
    lexicon: Mapping[str, str] | None = None,
) -> RenderedNarration:
    """The whole pipeline for one document in this process: synthesize, master and encode each block, join, tag.

    Each block is mastered and encoded on a second thread while the next one
    is synthesized (the engine leaves part of the cores idle).
    """
    mastering = Mastering(intro=intro, outro=outro, tags=tags)
    last = len(document.spoken_blocks()) - 1
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrator-encode") as encoder:
        parts: list[Future[EncodedPart]] = []

        def encode(index: int, block: BlockAudio) -> None:
            parts.append(
                encoder.submit(
                    block_part,
                    block,
                    sample_rate=sample_rate,
                    kbps=kbps,
                    mastering=mastering,
                    first=index == 0,
                    last=index == last,
                )
            )

        blocks = synthesize_blocks(document, voice, engine, on_progress=on_progress, lexicon=lexicon, on_block=encode)
        return render_mp3(
            document,
            voice,
            blocks,
            path,
            sample_rate=sample_rate,
            kbps=kbps,
            mastering=mastering,
            parts=lambda index, *_: parts[index].result(),
        )
