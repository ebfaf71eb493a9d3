"""Piper (VITS on onnxruntime) engine adapter."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from piper import PiperVoice, SynthesisConfig

from service.errors import VoiceUnavailable
from service.voices import Voice
from workers.engines.base import PhonemeTiming, SentenceAudio

log = logging.getLogger(__name__)


def resolve_model_path(voice: Voice) -> Path:
    """The .onnx file a Piper catalog entry points at (package resource or path)."""
    if voice.model.path is not None:
        path = voice.model.path.expanduser()
    else:
        assert voice.model.package and voice.model.file
        module = importlib.import_module(voice.model.package)
        path = Path(module.__file__).parent / "data" / voice.model.file  # type: ignore[arg-type]
        if not path.exists():
            path = Path(module.__file__).parent / voice.model.file  # type: ignore[arg-type]
    if not path.exists():
        raise VoiceUnavailable(f"voice {voice.id!r}: model file {path} does not exist")
    return path


def speaker_id(voice: Voice, speaker_map: Mapping[str, int], num_speakers: int) -> int | None:
    """The Piper speaker number a voice's `speaker` names (a name from the model's map, or a number)."""
    if voice.speaker is None:
        return None
    if voice.speaker in speaker_map:
        return speaker_map[voice.speaker]
    if voice.speaker.isdigit() and int(voice.speaker) < max(num_speakers, 1):
        return int(voice.speaker)
    known = ", ".join(sorted(speaker_map)) or f"0..{max(num_speakers, 1) - 1}"
    raise VoiceUnavailable(f"voice {voice.id!r}: speaker {voice.speaker!r} is not in the model (speakers: {known})")


class PiperEngine:
    """One loaded Piper voice; synthesizes a sentence at a time."""

    max_chars = 400

    def __init__(self, voice: Voice) -> None:
        model = resolve_model_path(voice)
        config = voice.model.config or model.with_name(model.name + ".json")
        try:
            # Alignments give phoneme timings (for word marks); they need `onnx`.
            self._voice = PiperVoice.load(model, config_path=config, include_alignments=True)
            self._alignments = True
        except ImportError:
            log.warning("onnx is not installed: Piper loads without phoneme alignments")
            self._voice = PiperVoice.load(model, config_path=config)
            self._alignments = False
        self.sample_rate: int = self._voice.config.sample_rate
        params = voice.params
        # Per-sentence peak normalization would make every sentence equally
        # loud regardless of its content; level is set once per narration.
        self._config = SynthesisConfig(
            speaker_id=speaker_id(voice, self._voice.config.speaker_id_map, self._voice.config.num_speakers),
            length_scale=params.get("length_scale"),
            noise_scale=params.get("noise_scale"),
            noise_w_scale=params.get("noise_w_scale"),
            normalize_audio=False,
        )

    def synthesize(self, text: str) -> SentenceAudio:
        pieces: list[np.ndarray] = []
        timings: list[PhonemeTiming] = []
        for chunk in self._voice.synthesize(text, syn_config=self._config, include_alignments=self._alignments):
            pieces.append(chunk.audio_float_array.astype(np.float32, copy=False))
            for alignment in chunk.phoneme_alignments or ():
                timings.append(PhonemeTiming(alignment.phoneme, int(alignment.num_samples)))
        pcm = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        return SentenceAudio(pcm=pcm, sample_rate=self.sample_rate, phonemes=tuple(timings))
