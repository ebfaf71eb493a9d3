"""The engine registry: one loaded engine per voice whatever the speed, a bounded LRU, the silent test engine."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from pathlib import Path

import numpy as np
import pytest

from service.core.db import session_scope
from service.core.settings import Settings
from service.core.voices import CatalogError, catalog_dirs, clear_catalog_cache, get_voice, load_catalog
from service.segments import plan as segments
from tests.workers.inline import InlineDispatch
from workers import synthesis
from workers.narration.fanout import synthesize_segment
from workers.synthesis import EngineCache, load_engine
from workers.synthesis.base import DEFAULT_OPTIONS, SentenceAudio, SynthesisOptions, with_options
from workers.synthesis.silent import SilentEngine

TEST_VOICES = Path(__file__).resolve().parents[1] / "voices"
SPEEDS = [round(0.25 + i * 3.75 / 49, 4) for i in range(50)]  # 50 distinct speeds over 0.25-4


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


class Releasing(Loaded):
    """A stand-in engine that counts the times it was asked to give its working memory back."""

    def __init__(self) -> None:
        self.released = 0

    def release_memory(self) -> None:
        self.released += 1


def test_the_cache_asks_every_engine_that_can_to_release_its_memory() -> None:
    cache = EngineCache(3)
    first, second = cache.get("a", Releasing), cache.get("b", Releasing)
    cache.get("c", Loaded)  # an engine without release_memory is left alone
    cache.release_memory()
    assert isinstance(first, Releasing) and isinstance(second, Releasing)
    assert (first.released, second.released) == (1, 1)


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


def test_a_catalog_cannot_name_the_silent_engine_unless_a_test_installed_it() -> None:
    clear_catalog_cache()
    try:
        with pytest.raises(CatalogError, match=r"silent(-slow)?\.toml: engine: Input should be 'piper' or 'coqui'"):
            load_catalog(TEST_VOICES)
    finally:
        clear_catalog_cache()


def test_the_silent_engine_is_as_long_as_the_text_and_scales_with_speed(silent_settings: Settings) -> None:
    engine = load_engine(get_voice(catalog_dirs(silent_settings), "silent"))
    assert isinstance(engine, SilentEngine)
    normal = engine.synthesize("Good morning, town.")
    fast = engine.synthesize("Good morning, town.", SynthesisOptions(speed=2.0))
    assert np.array_equal(normal.pcm, engine.synthesize("Good morning, town.").pcm)  # deterministic
    assert sum(p.samples for p in normal.phonemes) == len(normal.pcm)
    assert 0.9 < len(normal.pcm) / normal.sample_rate < 2.0  # 19 characters, about 15 a second
    assert abs(len(fast.pcm) / len(normal.pcm) - 0.5) < 0.02
    assert np.max(np.abs(normal.pcm)) > 0.05


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> EngineCache:
    """An empty engine cache for this process, for the length of a test."""
    cache = EngineCache(4)
    monkeypatch.setitem(synthesis._process, "cache", cache)
    return cache


def test_fifty_speeds_load_one_engine(silent_settings: Settings, fresh_cache: EngineCache) -> None:
    voice = get_voice(catalog_dirs(silent_settings), "silent")
    lengths = [
        len(with_options(load_engine(voice), SynthesisOptions(speed=speed)).synthesize("The ferry.").pcm)
        for speed in SPEEDS
    ]
    assert fresh_cache.loads == 1 and len(fresh_cache) == 1
    assert lengths == sorted(lengths, reverse=True) and lengths[0] > 15 * lengths[-1]  # faster is shorter


def test_each_speed_is_its_own_segment_spoken_by_the_one_loaded_voice(
    silent_settings: Settings, fresh_cache: EngineCache
) -> None:
    """The segment cache keys on the speed (other audio); the engine cache does not."""
    voice = get_voice(catalog_dirs(silent_settings), "silent")
    speeds = (0.5, 1.0, 2.0, 4.0)
    specs = [
        spec
        for speed in speeds
        for spec in segments.specs_for([("paragraph", "The ferry leaves at noon.")], "en-US", voice, {}, speed=speed)
    ]
    keys = [key for key, _ in specs]
    assert len(set(keys)) == len(speeds)
    with session_scope(silent_settings.database_url) as session:
        assert segments.request_segments(session, specs) == keys
    for key in keys:
        assert synthesize_segment(key, silent_settings, InlineDispatch(silent_settings)) == "done"
    assert fresh_cache.loads == 1
    with session_scope(silent_settings.database_url) as session:
        states = segments.segment_states(session, keys)
        lengths = [states[key].samples for key in keys]
    assert [lengths[0] / n for n in lengths] == pytest.approx([1, 2, 4, 8], rel=0.01)
