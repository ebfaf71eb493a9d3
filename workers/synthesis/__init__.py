"""TTS engine adapters, loaded lazily and kept in a bounded cache per worker process.

Only the adapter a voice needs is imported, so a worker without the `coqui`
extra keeps serving Piper voices and answers coqui voices with
`engine_unavailable`.

An engine is loaded once per voice (its model and the parameters of its voice
file); per-request settings such as the speaking rate are passed to each call
(`workers.synthesis.base.SynthesisOptions`), so they never load another model.
At most `NARRATOR_ENGINE_CACHE_SIZE` engines stay loaded; loading one more
drops the least recently used.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from service.core.errors import EngineUnavailable, NarratorError, VoiceUnavailable
from service.core.voices import Voice
from workers.synthesis.base import Engine

EngineFactory = Callable[[Voice], Engine]

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


class EngineCache:
    """A thread-safe LRU of loaded engines, at most `capacity` of them.

    Each key is loaded at most once at a time: callers asking for an engine
    that is being loaded wait for it, while engines already loaded are served
    meanwhile. An evicted engine is released: the cache drops it, and its model
    is freed as soon as no synthesis still running on it holds it. A failed
    load is not remembered: the next call tries again.
    """

    def __init__(self, capacity: int) -> None:
        self._capacity = _checked(capacity)
        self._engines: OrderedDict[Hashable, Engine] = OrderedDict()
        self._loading: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.loads = 0  # engines created since the cache was made (a count for tests and logs)

    @property
    def capacity(self) -> int:
        return self._capacity

    def resize(self, capacity: int) -> None:
        with self._lock:
            self._capacity = _checked(capacity)
            self._evict()

    def get(self, key: Hashable, create: Callable[[], Engine]) -> Engine:
        with self._lock:
            engine = self._hit(key)
            if engine is not None:
                return engine
            gate = self._loading.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                engine = self._hit(key)
                if engine is not None:
                    return engine
            try:
                engine = create()
            except BaseException:
                with self._lock:
                    self._loading.pop(key, None)
                raise
            with self._lock:
                self._engines[key] = engine
                self._loading.pop(key, None)
                self.loads += 1
                self._evict()
            return engine

    def keys(self) -> list[Hashable]:
        """The cached keys, least recently used first."""
        with self._lock:
            return list(self._engines)

    def release_memory(self) -> None:
        """Let every loaded engine that can give back the working memory its last sentences used."""
        with self._lock:
            engines = list(self._engines.values())
        for engine in engines:
            release = getattr(engine, "release_memory", None)
            if release is not None:
                release()

    def clear(self) -> None:
        with self._lock:
            self._engines.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._engines)

    def _hit(self, key: Hashable) -> Engine | None:
        engine = self._engines.get(key)
        if engine is not None:
            self._engines.move_to_end(key)
        return engine

    def _evict(self) -> None:
        while len(self._engines) > self._capacity:
            self._engines.popitem(last=False)


def _checked(capacity: int) -> int:
    if capacity < 1:
        raise ValueError(f"the engine cache holds at least one engine, not {capacity}")
    return capacity


_process: dict[str, EngineCache] = {}  # the process's one cache, made on first use
_process_lock = threading.Lock()


def engine_cache() -> EngineCache:
    """This process's engine cache, sized by `NARRATOR_ENGINE_CACHE_SIZE` when first used."""
    with _process_lock:
        if "cache" not in _process:
            from service.core.settings import get_settings

            _process["cache"] = EngineCache(get_settings().engine_cache_size)
        return _process["cache"]


def load_engine(voice: Voice) -> Engine:
    """The loaded engine for `voice`; the model is read on first use only (and again after eviction).

    Keyed by engine, id and fingerprint of the voice file, so an edited voice
    file gets a fresh engine; never by speed or other per-call options.
    """
    return engine_cache().get((voice.engine, voice.id, voice.fingerprint), lambda: _create(voice))


# Engines by name. piper and coqui are built in (imported on first use); tests
# register their own (workers/synthesis/silent.py), production never does.
_factories: dict[str, EngineFactory] = {}


def register_engine(name: str, factory: EngineFactory) -> None:
    """Let voices whose `engine` is `name` be loaded with `factory` in this process."""
    _factories[name] = factory


def unregister_engine(name: str) -> None:
    _factories.pop(name, None)


def _create(voice: Voice) -> Engine:
    try:
        return _factory(voice)(voice)
    except NarratorError:
        raise
    except Exception as exc:  # a corrupt or incompatible model file is the voice's problem, with a code
        raise VoiceUnavailable(f"voice {voice.id!r} could not be loaded: {type(exc).__name__}: {exc}") from exc


def _factory(voice: Voice) -> EngineFactory:
    if voice.engine in _factories:
        return _factories[voice.engine]
    if voice.engine == "piper":
        from workers.synthesis.piper import PiperEngine

        return PiperEngine
    if voice.engine == "coqui":
        from workers.synthesis.coqui import CoquiEngine

        return CoquiEngine
    raise EngineUnavailable(f"voice {voice.id!r} needs the {voice.engine!r} engine, which this worker does not have")
