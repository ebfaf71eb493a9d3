"""The narration pipeline as plain functions: document -> PCM -> MP3 file.

Tasks and the CLI call these; nothing here knows about Celery or HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from service.text.document import Document
from service.text.sentences import split_sentences
from service.voices import Voice
from workers.audio.mp3 import encode_mp3
from workers.audio.pcm import resample, silence
from workers.engines.base import Engine

ProgressCallback = Callable[[float], None]

# Peak level of the final mix before encoding: headroom for MP3 overshoot.
TARGET_PEAK = 10 ** (-1.5 / 20)


@dataclass(frozen=True)
class SentenceClip:
    """Where one synthesized sentence sits in the narration (engine-rate samples)."""

    block_index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class SynthesizedAudio:
    """The joined PCM of a whole document at the engine's rate, and its sentence layout."""

    pcm: np.ndarray
    sample_rate: int
    clips: tuple[SentenceClip, ...]

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / float(self.sample_rate)


@dataclass(frozen=True)
class RenderedNarration:
    """An encoded narration on disk and the facts about it."""

    path: Path
    duration_s: float
    synthesized: SynthesizedAudio


def spoken_units(document: Document, language: str, max_chars: int) -> list[tuple[int, str, list[str]]]:
    """(block index, block kind, sentences) for every spoken block."""
    return [
        (i, block.kind, split_sentences(block.text, language=language, max_chars=max_chars))
        for i, block in enumerate(document.spoken_blocks())
    ]


def synthesize_document(
    document: Document,
    voice: Voice,
    engine: Engine,
    *,
    on_progress: ProgressCallback | None = None,
) -> SynthesizedAudio:
    """Synthesize every sentence and join them with pauses by structure."""
    language = document.language or voice.language
    units = spoken_units(document, language, engine.max_chars)
    total_chars = sum(len(s) for _, _, sentences in units for s in sentences) or 1
    rate = engine.sample_rate
    pieces: list[np.ndarray] = []
    clips: list[SentenceClip] = []
    position = done_chars = 0
    for unit_no, (block_index, kind, sentences) in enumerate(units):
        for sentence_no, sentence in enumerate(sentences):
            audio = engine.synthesize(sentence)
            pcm = audio.pcm if audio.sample_rate == rate else resample(audio.pcm, audio.sample_rate, rate)
            clips.append(SentenceClip(block_index, sentence, position, position + len(pcm)))
            pieces.append(pcm)
            position += len(pcm)
            if sentence_no < len(sentences) - 1:
                gap = silence(voice.pauses.sentence_ms, rate)
                pieces.append(gap)
                position += len(gap)
            done_chars += len(sentence)
            if on_progress:
                on_progress(done_chars / total_chars)
        if unit_no < len(units) - 1:
            pause_ms = voice.pauses.heading_ms if kind in ("title", "heading") else voice.pauses.paragraph_ms
            gap = silence(pause_ms, rate)
            pieces.append(gap)
            position += len(gap)
    pcm = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    return SynthesizedAudio(pcm=pcm.astype(np.float32, copy=False), sample_rate=rate, clips=tuple(clips))


def level(pcm: np.ndarray) -> np.ndarray:
    """Scale the whole narration to a common peak level (one gain, no per-sentence jumps)."""
    peak = float(np.max(np.abs(pcm))) if len(pcm) else 0.0
    if peak < 1e-6:
        return pcm
    return (pcm * (TARGET_PEAK / peak)).astype(np.float32)


def render_mp3(
    synthesized: SynthesizedAudio, path: Path, *, sample_rate: int = 44100, kbps: int = 64
) -> RenderedNarration:
    """Level, resample and encode the narration once to an MP3 file at `path`."""
    pcm = resample(level(synthesized.pcm), synthesized.sample_rate, sample_rate)
    encode_mp3(pcm, sample_rate, path, kbps=kbps)
    return RenderedNarration(path=path, duration_s=len(pcm) / float(sample_rate), synthesized=synthesized)


def narrate_document(
    document: Document,
    voice: Voice,
    engine: Engine,
    path: Path,
    *,
    sample_rate: int = 44100,
    kbps: int = 64,
    on_progress: ProgressCallback | None = None,
) -> RenderedNarration:
    """The whole pipeline for one document: synthesize, join, encode to `path`."""
    synthesized = synthesize_document(document, voice, engine, on_progress=on_progress)
    return render_mp3(synthesized, path, sample_rate=sample_rate, kbps=kbps)
