"""Coqui TTS engine adapter (VITS, XTTS v2 and the other coqui models).

Needs the optional extra `narrator[coqui]` (coqui-tts, torch, torchaudio).
Nothing heavy is imported when this module is: torch and TTS load inside
`CoquiEngine`, so a worker without the extra still imports it and answers a
coqui voice with `engine_unavailable` while it keeps serving Piper voices.

A model comes from a local path (a `.pth` checkpoint with its `config.json`,
or a model directory such as XTTS v2's) through `TTS(model_path=...,
config_path=...)`, or by coqui model name through its model manager (which
downloads on first use, where the network allows). VITS models report token
durations, which become phoneme timings; other models give none.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from service.core.errors import EngineUnavailable, VoiceUnavailable
from service.core.voices import Voice
from workers.synthesis import synthesis_threads
from workers.synthesis.base import DEFAULT_OPTIONS, PhonemeTiming, SentenceAudio, SynthesisOptions

if TYPE_CHECKING:
    from TTS.api import TTS

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'narrator[coqui]'"
# XTTS truncates longer inputs (its tokenizer's limit for English); VITS has none.
XTTS_MAX_CHARS = 240
DEFAULT_MAX_CHARS = 400
# VITS settings live on the model, not in synthesize() kwargs.
VITS_ATTRIBUTES = {
    "length_scale": "length_scale",
    "noise_scale": "inference_noise_scale",
    "noise_scale_dp": "inference_noise_scale_dp",
}
# Token names coqui uses for structure, mapped to the word-break phonemes of workers/alignment.py.
_BLANK = "<BLNK>"
_BREAK_TOKENS = {"<BOS>": "^", "<EOS>": "$", "<PAD>": "_"}


def import_tts() -> type[TTS]:
    """`TTS.api.TTS`, or `EngineUnavailable` naming what is missing."""
    try:
        from TTS.api import TTS as tts_class
    except ImportError as exc:  # coqui-tts, torch or torchaudio missing or broken
        raise EngineUnavailable(
            f"the coqui engine is not installed on this worker ({exc}); install it with {INSTALL_HINT}"
        ) from exc
    return cast("type[TTS]", tts_class)


def pick_device(requested: str) -> str:
    """ "cuda" when the voice asks for it and a GPU is there, else "cpu"."""
    import torch

    if requested == "cuda":
        if torch.cuda.is_available():
            return "cuda"
        log.warning("a voice asks for CUDA but this worker has no GPU; using the CPU")
    return "cpu"


@dataclass(frozen=True)
class ModelFiles:
    """What `TTS(...)` is given: a local checkpoint (file or directory) and config, or a model name."""

    model_path: Path | None = None
    config_path: Path | None = None
    model_name: str | None = None


def model_files(voice: Voice) -> ModelFiles:
    """The checkpoint and config of a coqui voice (config.json beside the model by default)."""
    if voice.model.name:
        return ModelFiles(model_name=voice.model.name)
    path = voice.model.path
    if path is None:
        raise VoiceUnavailable(f"voice {voice.id!r}: coqui voices need model.path or model.name")
    config = voice.model.config or (path if path.is_dir() else path.parent) / "config.json"
    for needed, what in ((path, "model"), (config, "model config")):
        if not needed.exists():
            raise VoiceUnavailable(f"voice {voice.id!r}: {what} {needed} does not exist")
    return ModelFiles(model_path=path, config_path=config)


def language_for(voice: Voice, languages: list[str]) -> str:
    """The model's name for the voice's language ("en-US" -> "en", "zh-CN" -> "zh-cn")."""
    wanted = voice.language.lower().replace("_", "-")
    for candidate in (wanted, wanted.split("-")[0]):
        if candidate in languages:
            return candidate
    raise VoiceUnavailable(f"voice {voice.id!r}: the model does not speak {voice.language!r} (it speaks {languages})")


def token_timings(tokens: list[str], frames: list[int], hop_length: int) -> tuple[PhonemeTiming, ...]:
    """Phoneme timings from a VITS input's tokens and their durations in frames.

    Blank tokens (between every symbol when the model adds blanks) have no sound
    of their own: their time is added to the symbol before them.
    """
    timings: list[PhonemeTiming] = []
    carry = 0
    for token, count in zip(tokens, frames, strict=True):
        samples = int(count) * hop_length
        if token == _BLANK:
            if timings:
                last = timings[-1]
                timings[-1] = PhonemeTiming(last.phoneme, last.samples + samples)
            else:
                carry += samples
            continue
        timings.append(PhonemeTiming(_BREAK_TOKENS.get(token, token), samples + carry))
        carry = 0
    return tuple(timings)


def clip_timings(timings: tuple[PhonemeTiming, ...], total: int) -> tuple[PhonemeTiming, ...]:
    """Timings cut to the first `total` samples (after the model trimmed trailing silence)."""
    clipped: list[PhonemeTiming] = []
    left = total
    for timing in timings:
        if left <= 0:
            break
        clipped.append(PhonemeTiming(timing.phoneme, min(timing.samples, left)))
        left -= timing.samples
    return tuple(clipped)


class CoquiEngine:
    """One loaded coqui model and the voice settings to speak with; a sentence at a time."""

    def __init__(self, voice: Voice) -> None:
        tts_class = import_tts()
        self.voice = voice
        files = model_files(voice)
        self.device = pick_device(voice.device)
        if synthesis_threads():
            import torch

            torch.set_num_threads(synthesis_threads())  # per process: a worker runs one synthesis at a time
        try:
            if files.model_name:
                tts = tts_class(model_name=files.model_name, progress_bar=False)
            else:
                tts = tts_class(
                    model_path=str(files.model_path), config_path=str(files.config_path), progress_bar=False
                )
            self._tts: TTS = tts.to(self.device)
        except Exception as exc:
            raise VoiceUnavailable(f"voice {voice.id!r}: the coqui model could not be loaded: {exc}") from exc
        synthesizer = self._tts.synthesizer
        assert synthesizer is not None and synthesizer.tts_model is not None
        self._model: Any = synthesizer.tts_model
        self._config: Any = synthesizer.tts_config
        self.sample_rate: int = int(synthesizer.output_sample_rate)
        self.is_vits = self._config.model == "vits" and synthesizer.vocoder_model is None
        self.is_xtts = "xtts" in str(self._config.model)
        self.max_chars = XTTS_MAX_CHARS if self.is_xtts else DEFAULT_MAX_CHARS
        self._lock = threading.Lock()  # one inference at a time per loaded model
        self._kwargs = self._speaker_and_language()
        self._kwargs.update(self._params())

    def _speaker_and_language(self) -> dict[str, Any]:
        """The speaker/reference and language arguments this voice gives every call."""
        tts, voice = self._tts, self.voice
        kwargs: dict[str, Any] = {}
        if tts.is_multi_lingual:
            kwargs["language"] = language_for(voice, list(tts.languages or []))
        clones = bool(self._config.supports_cloning)
        if voice.reference is not None:
            if not clones:
                raise VoiceUnavailable(f"voice {voice.id!r}: this model cannot clone a voice from a reference clip")
            kwargs.update(self._clone(voice.reference))
        elif voice.speaker is not None:
            speakers = tts.speakers or []
            if voice.speaker not in speakers:
                shown = ", ".join(speakers[:20]) or "none: it is a single-speaker model"
                raise VoiceUnavailable(f"voice {voice.id!r}: speaker {voice.speaker!r} is not in the model ({shown})")
            kwargs["speaker"] = voice.speaker
        elif tts.is_multi_speaker:
            raise VoiceUnavailable(
                f"voice {voice.id!r}: the model has several speakers; "
                "name one with 'speaker' or give a 'reference' clip"
            )
        return kwargs

    def _clone(self, reference: Path) -> dict[str, Any]:
        """Compute the reference clip's speaker latents once and let every sentence reuse them."""
        # coqui caches a cloned voice as <voice_dir>/<speaker>.pth; a per-process
        # directory keeps workers from overwriting each other's files.
        voice_dir = Path(tempfile.mkdtemp(prefix="narrator-coqui-voices-"))
        speaker = f"{self.voice.id}-{self.voice.fingerprint[:12]}"
        try:
            self._model.clone_voice(str(reference), speaker, voice_dir)
        except (OSError, RuntimeError, ValueError) as exc:
            raise VoiceUnavailable(f"voice {self.voice.id!r}: the reference clip {reference} failed: {exc}") from exc
        return {"speaker": speaker, "voice_dir": voice_dir}

    def _params(self) -> dict[str, Any]:
        """Apply VITS knobs to the model; return the rest as per-call arguments (XTTS sampling, speed)."""
        kwargs: dict[str, Any] = {}
        for name, value in self.voice.params.items():
            attribute = VITS_ATTRIBUTES.get(name)
            if attribute is not None and self.is_vits:
                setattr(self._model, attribute, value)
            elif attribute is None:
                kwargs[name] = value
            else:
                log.warning("voice %s: %s applies to VITS models only; ignored", self.voice.id, name)
        if "speed" in kwargs and self.is_vits:
            # VITS has no speed argument: its length scale is the inverse of speed.
            self._model.length_scale = self._model.length_scale / max(kwargs.pop("speed"), 0.05)
        return kwargs

    def synthesize(self, text: str, options: SynthesisOptions = DEFAULT_OPTIONS) -> SentenceAudio:
        import torch  # already loaded with the model

        with self._lock, torch.inference_mode():
            if self.is_vits:
                return self._synthesize_vits(text, options.speed)
            return self._synthesize_generic(text, options.speed)

    def _synthesize_generic(self, text: str, speed: float = 1.0) -> SentenceAudio:
        """Any coqui model through `TTS.tts` (no timings); XTTS takes the speed as an argument."""
        from TTS.utils import synthesizer as coqui_synthesizer

        kwargs = self._kwargs
        if speed != 1.0:
            if self.is_xtts:
                kwargs = {**kwargs, "speed": kwargs.get("speed", 1.0) * speed}
            else:
                log.warning("voice %s: this coqui model has no speaking rate; speed %s ignored", self.voice.id, speed)
        wav = np.asarray(self._tts.tts(text, split_sentences=False, **kwargs), dtype=np.float32)
        # coqui appends its own pause after every sentence; the pipeline sets pauses itself.
        pad = int(getattr(coqui_synthesizer, "PAD_SILENCE_SAMPLES", 0))
        if pad and len(wav) > pad and not np.any(wav[-pad:]):
            wav = wav[:-pad]
        return SentenceAudio(pcm=wav, sample_rate=self.sample_rate)

    def _synthesize_vits(self, text: str, speed: float = 1.0) -> SentenceAudio:
        """A VITS model called as `Synthesizer.tts` calls it, keeping its token durations.

        VITS reads its length scale from the model, not from an argument: a
        speed sets it for this call (under the engine's lock) and puts it back.
        """
        length_scale = self._model.length_scale
        self._model.length_scale = length_scale / speed
        try:
            outputs = self._model.synthesize(text, **self._kwargs)
        finally:
            self._model.length_scale = length_scale
        wav = np.asarray(outputs["wav"], dtype=np.float32).reshape(-1)
        durations = outputs["outputs"].get("durations")
        timings: tuple[PhonemeTiming, ...] = ()
        if durations is not None:
            ids = [int(i) for i in outputs["text_inputs"][0].tolist()]
            tokens = [self._model.tokenizer.characters.id_to_char(i) for i in ids]
            frames = [int(f) for f in durations.reshape(-1).tolist()]
            timings = token_timings(tokens, frames, int(self._config.audio.hop_length))
        if self._config.audio.get("do_trim_silence"):
            wav = wav[: self._model.ap.find_endpoint(wav)]
            timings = clip_timings(timings, len(wav))
        return SentenceAudio(pcm=wav, sample_rate=self.sample_rate, phonemes=timings)
