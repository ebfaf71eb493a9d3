"""Piper (VITS on onnxruntime) engine adapter."""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig

from service.core.errors import VoiceUnavailable
from service.core.voices import Voice
from workers.synthesis import synthesis_spins, synthesis_threads
from workers.synthesis.base import DEFAULT_OPTIONS, PhonemeTiming, SentenceAudio, SynthesisOptions

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


# A run with this option hands the CPU arena's memory beyond its first block
# back when it ends. Without it the arena keeps the activations of the longest
# sentence ever synthesized (about 0.46 MB per phoneme id: a 400-character
# sentence, 400 MB) for the process's life; with it on every run, each sentence
# takes its memory from the system again: 11 % more CPU (bench/piper_memory.py).
# So it is asked for once a task is done (`PiperEngine.release_memory`).
# The arena grows by doubling (kNextPowerOfTwo, onnxruntime's default): grown
# by exactly what each run asks (kSameAsRequested) or left out (malloc), the
# longest sentence peaked higher, 714 and 656-898 MB against 586 MB, and held
# more after (bench/piper_memory.py `same-size`, `no-arena`).
ARENA_SHRINKAGE = ("memory.enable_memory_arena_shrinkage", "cpu:0")


class ReleasingSession(onnxruntime.InferenceSession):
    """An InferenceSession whose next run, when `release_next` is set, shrinks its CPU arena when done.

    Piper calls `session.run(None, inputs)` and takes no run options; this is
    where they are given.
    """

    release_next = False

    def run(
        self,
        output_names: Sequence[str] | None,
        input_feed: Mapping[str, Any],
        run_options: onnxruntime.RunOptions | None = None,
    ) -> list[Any]:
        """`InferenceSession.run`; with `release_next` set (and cleared), with options that shrink the arena."""
        if run_options is None and self.release_next:
            self.release_next = False
            run_options = shrinking_run_options()
        return super().run(output_names, input_feed, run_options)


def shrinking_run_options() -> onnxruntime.RunOptions:
    """Run options that free the CPU arena's grown part at the end of the run."""
    options = onnxruntime.RunOptions()
    options.add_run_config_entry(*ARENA_SHRINKAGE)
    return options


def _session_options(threads: int, spin: bool) -> onnxruntime.SessionOptions:
    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    if not spin:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def model_cache_dir() -> Path:
    """Where patched models are kept between processes: $XDG_CACHE_HOME/narrator/piper (~/.cache by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "narrator" / "piper"


def _with_alignments(model: Path) -> bytes | None:
    """The model's graph with piper's phoneme-alignment output, serialized; None when it has it already.

    Raises ImportError without the `onnx` package.
    """
    import onnx
    from piper.patch_voice_with_alignment import add_alignment_output

    graph = onnx.load(str(model))
    try:
        add_alignment_output(graph)
    except ValueError:  # already patched on disk
        return None
    return graph.SerializeToString()


def aligned_model(model: Path, cache_dir: Path) -> Path:
    """A file of the model with phoneme alignments: patched once, kept in `cache_dir` (ImportError without onnx).

    Kept under the model's path, size and modification time; a model patched on
    disk already is used as it is. The session then reads the file itself:
    patching in memory left the 63 MB graph twice (the protobuf and its bytes)
    on the process's heap, resident for the worker's life (bench/memory.py).
    """
    stat = model.stat()
    key = hashlib.sha256(f"{model.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    patched = cache_dir / f"{model.stem}-aligned-{key}.onnx"
    if patched.exists():
        return patched
    graph = _with_alignments(model)
    if graph is None:
        return model
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".partial", delete=False) as tmp:
        tmp.write(graph)
    os.replace(tmp.name, patched)  # whole or absent: another process may be patching it too
    return patched


def load_piper_voice(model: Path, config: Path, *, threads: int = 0, spin: bool = True) -> tuple[PiperVoice, bool]:
    """The Piper voice with phoneme alignments when `onnx` is installed (for word marks), on `threads` CPU threads.

    Like `PiperVoice.load(..., include_alignments=True)`, which cannot be told
    how many threads its onnxruntime session may use.
    """
    source: Path | bytes = model
    alignments = True
    try:
        source = aligned_model(model, model_cache_dir())
    except ImportError:
        log.warning("onnx is not installed: Piper loads without phoneme alignments")
        alignments = False
    except OSError as exc:  # no writable cache directory
        log.warning("cannot keep the patched Piper model in %s (%s): patching in memory", model_cache_dir(), exc)
        source = _with_alignments(model) or model
    with open(config, encoding="utf-8") as file:
        piper_config = PiperConfig.from_dict(json.load(file))
    session = ReleasingSession(
        source if isinstance(source, bytes) else str(source),
        sess_options=_session_options(threads, spin),
        providers=["CPUExecutionProvider"],
    )
    return PiperVoice(config=piper_config, session=session), alignments


class PiperEngine:
    """One loaded Piper voice; synthesizes a sentence at a time, at the speed each call asks for."""

    max_chars = 400

    def __init__(self, voice: Voice) -> None:
        model = resolve_model_path(voice)
        config = voice.model.config or model.with_name(model.name + ".json")
        self._voice, self._alignments = load_piper_voice(
            model, config, threads=synthesis_threads(), spin=synthesis_spins()
        )
        self.sample_rate: int = self._voice.config.sample_rate
        params = voice.params
        # The voice file's length scale, else the model's: what speed 1.0 sounds like.
        self._length_scale = float(params.get("length_scale", self._voice.config.length_scale))
        # Per-sentence peak normalization would make every sentence equally
        # loud regardless of its content; level is set once per narration.
        self._config = SynthesisConfig(
            speaker_id=speaker_id(voice, self._voice.config.speaker_id_map, self._voice.config.num_speakers),
            length_scale=self._length_scale,
            noise_scale=params.get("noise_scale"),
            noise_w_scale=params.get("noise_w_scale"),
            normalize_audio=False,
        )
        self._holds_memory = False  # whether a synthesis since the last release_memory may have grown the arena

    def release_memory(self) -> None:
        """Give back what the sentences synthesized since the last call made the arena grow to (cheap when none).

        onnxruntime shrinks its arena only at the end of a run, so this runs
        the shortest input there is (the start and end of a sentence: a few ms).
        """
        if not self._holds_memory:
            return
        session = self._voice.session
        if isinstance(session, ReleasingSession):
            session.release_next = True
            self._voice.phoneme_ids_to_audio(self._voice.phonemes_to_ids([]), self._config)
        self._holds_memory = False

    def config_for(self, options: SynthesisOptions) -> SynthesisConfig:
        """Piper's per-call settings for `options`: the voice's, with the length scale divided by the speed."""
        if options.speed == 1.0:
            return self._config
        return replace(self._config, length_scale=self._length_scale / options.speed)

    def synthesize(self, text: str, options: SynthesisOptions = DEFAULT_OPTIONS) -> SentenceAudio:
        pieces: list[np.ndarray] = []
        timings: list[PhonemeTiming] = []
        chunks = self._voice.synthesize(text, syn_config=self.config_for(options), include_alignments=self._alignments)
        for chunk in chunks:
            pieces.append(chunk.audio_float_array.astype(np.float32, copy=False))
            for alignment in chunk.phoneme_alignments or ():
                timings.append(PhonemeTiming(alignment.phoneme, int(alignment.num_samples)))
        pcm = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        self._holds_memory = True
        return SentenceAudio(pcm=pcm, sample_rate=self.sample_rate, phonemes=tuple(timings))
