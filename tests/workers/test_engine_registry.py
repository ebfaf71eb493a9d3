"""The engine registry: a bounded, thread-safe LRU of loaded voices; options go with each call."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from pathlib import Path

import numpy as np
import pytest

from service.core.settings import Settings
from workers.synthesis import EngineCache
from workers.synthesis.base import DEFAULT_OPTIONS, SentenceAudio, SynthesisOptions, with_options


class Loaded:
    """A stand-in engine."""

    sample_rate, max_chars = 16000, 100

    def synthesize(self, text: str, options: SynthesisOptions = DEFAULT_OPTIONS) -> SentenceAudio:
        return SentenceAudio(np.zeros(1, dtype=np.float32), self.sample_rate)


def test_the_cache_keeps_the_most_recently_used_engines_only() -> None:
    cache = EngineCache(2)
    a, b, c = Loaded(), Loaded(), Loaded()
    cache.get("a", lambda: a)
    cache.get("b", lambda: b)
    assert cache.get("a", Loaded) is a  # a is now the most recent
    cache.get("c", lambda: c)  # evicts b, the least recently used
    assert cache.keys() == ["a", "c"] and cache.loads == 3
    assert cache.get("b", Loaded) is not b and cache.loads == 4


def test_an_evicted_engine_is_released() -> None:
    cache = EngineCache(1)
    first = weakref.ref(cache.get("a", Loaded))
    cache.get("b", Loaded)
    gc.collect()
    assert first() is None


def test_a_smaller_size_evicts_at_once() -> None:
    cache = EngineCache(3)
    for key in "abc":
        cache.get(key, Loaded)
    cache.resize(1)
    assert cache.keys() == ["c"]
    with pytest.raises(ValueError):
        cache.resize(0)


def test_threads_asking_for_one_voice_load_it_once() -> None:
    cache = EngineCache(2)
    calls: list[int] = []

    def slow() -> Loaded:
        calls.append(1)
        time.sleep(0.2)
        return Loaded()

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("v", slow))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len({id(engine) for engine in got}) == 1


def test_a_loaded_engine_is_served_while_another_loads() -> None:
    cache = EngineCache(2)
    ready = cache.get("ready", Loaded)
    loading, release = threading.Event(), threading.Event()

    def blocked() -> Loaded:
        loading.set()
        release.wait(5)
        return Loaded()

    thread = threading.Thread(target=cache.get, args=("slow", blocked))
    thread.start()
    loading.wait(5)
    try:
        assert cache.get("ready", Loaded) is ready  # does not wait for the other load
    finally:
        release.set()
        thread.join()


def test_a_failed_load_is_not_remembered() -> None:
    cache = EngineCache(2)

    def broken() -> Loaded:
        raise OSError("corrupt")

    with pytest.raises(OSError):
        cache.get("v", broken)
    assert cache.get("v", Loaded) is not None and cache.loads == 1


def test_the_cache_size_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(data_dir=tmp_path).engine_cache_size == 4
    monkeypatch.setenv("NARRATOR_ENGINE_CACHE_SIZE", "2")
    assert Settings(data_dir=tmp_path).engine_cache_size == 2


def test_options_go_with_every_call_of_a_bound_engine() -> None:
    seen: list[SynthesisOptions] = []

    class Recording(Loaded):
        def synthesize(self, text: str, options: SynthesisOptions = DEFAULT_OPTIONS) -> SentenceAudio:
            seen.append(options)
            return super().synthesize(text, options)

    engine = Recording()
    assert with_options(engine, SynthesisOptions()) is engine
    fast = with_options(engine, SynthesisOptions(speed=2.0))
    assert (fast.sample_rate, fast.max_chars) == (16000, 100)
    fast.synthesize("Hi.")
    assert seen == [SynthesisOptions(speed=2.0)]
    for wrong in (0.0, 5.0, float("nan")):
        with pytest.raises(ValueError):
            SynthesisOptions(speed=wrong)
