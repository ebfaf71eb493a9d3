"""TTS engine adapters, each loaded lazily once per worker process."""

from __future__ import annotations

import threading

from service.errors import EngineUnavailable
from service.voices import Voice
from workers.engines.base import Engine

_loaded: dict[str, Engine] = {}
_lock = threading.Lock()


def load_engine(voice: Voice) -> Engine:
    """The loaded engine for `voice`; the model is read on first use only."""
    with _lock:
        engine = _loaded.get(voice.id)
        if engine is None:
            engine = _create(voice)
            _loaded[voice.id] = engine
        return engine


def _create(voice: Voice) -> Engine:
    if voice.engine == "piper":
        from workers.engines.piper import PiperEngine

        return PiperEngine(voice)
    raise EngineUnavailable(f"voice {voice.id!r} needs the {voice.engine!r} engine, which is not installed here")
