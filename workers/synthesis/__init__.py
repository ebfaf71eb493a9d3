"""TTS engine adapters, each loaded lazily once per worker process.

Only the adapter a voice needs is imported, so a worker without the `coqui`
extra keeps serving Piper voices and answers coqui voices with
`engine_unavailable`.
"""

from __future__ import annotations

import threading

from service.core.errors import EngineUnavailable, NarratorError, VoiceUnavailable
from service.core.voices import Voice
from workers.synthesis.base import Engine

_loaded: dict[tuple[str, str], Engine] = {}
_lock = threading.Lock()
_threads = 0
_spin = True


def use_threads(threads: int, *, spin: bool = True) -> None:
    """CPU threads each engine loaded from now on may use for one synthesis (0: the library's default).

    `spin=False` lets idle inference threads sleep instead of spinning: right
    when other work (encoding) runs beside synthesis in the same process.
    """
    global _threads, _spin
    _threads, _spin = threads, spin


def synthesis_threads() -> int:
    return _threads


def synthesis_spins() -> bool:
    return _spin


def load_engine(voice: Voice) -> Engine:
    """The loaded engine for `voice`; the model is read on first use only.

    Keyed by id and fingerprint, so an edited voice file gets a fresh engine.
    A failed load is not remembered: the next job tries again.
    """
    key = (voice.id, voice.fingerprint)
    with _lock:
        engine = _loaded.get(key)
        if engine is None:
            try:
                engine = _create(voice)
            except NarratorError:
                raise
            except Exception as exc:  # a corrupt or incompatible model file is the voice's problem, with a code
                raise VoiceUnavailable(f"voice {voice.id!r} could not be loaded: {type(exc).__name__}: {exc}") from exc
            _loaded[key] = engine
        return engine


def _create(voice: Voice) -> Engine:
    if voice.engine == "piper":
        from workers.synthesis.piper import PiperEngine

        return PiperEngine(voice)
    if voice.engine == "coqui":
        from workers.synthesis.coqui import CoquiEngine

        return CoquiEngine(voice)
    raise EngineUnavailable(f"voice {voice.id!r} needs the {voice.engine!r} engine, which this worker does not have")
