"""The coqui engine on a tiny VITS made here (random weights, fixed durations).

No coqui model can be downloaded on CI, so a fixture builds a VITS from
`VitsConfig` with tiny layers and saves it as coqui does (model .pth +
config.json). The catalog registers it by path and the real loading code
(`TTS(model_path=..., config_path=...)`) reads it. The duration predictor is
set to give every token 3 frames, so lengths are known; what it says is noise.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from pathlib import Path

import numpy as np
import pytest
from mutagen.mp3 import MP3

# Looked up, not imported: torch takes seconds to import, paid by every xdist process that collects this
# module while only the one running it needs torch (its tests import it).
if importlib.util.find_spec("TTS") is None:
    pytest.skip("needs the narrator[coqui] extra", allow_module_level=True)

from service.core.db import session_scope
from service.core.errors import VoiceUnavailable
from service.core.settings import Settings
from service.core.storage import open_storage
from service.core.voices import (
    Voice,
    clear_catalog_cache,
    get_voice,
)
from service.document.model import (
    Block,
    Document,
)
from service.listeners.samples import find_sample
from workers.narration.pipeline import narrate_document
from workers.synthesis import load_engine
from workers.synthesis.base import SynthesisOptions
from workers.synthesis.coqui import CoquiEngine


def mp3_length(path: Path) -> float:
    """Duration of an MP3 file as a player reads it (its Xing/LAME header)."""
    info = MP3(path).info
    assert info is not None
    return float(info.length)


pytestmark = pytest.mark.coqui

SAMPLE_RATE = 16000
HOP = 256
FRAMES_PER_TOKEN = 3  # ceil(2.4): see tiny_vits
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
PUNCTUATION = " !'(),-.:;?\""

VOICE = """
id = "{id}"
name = "Tiny VITS"
engine = "coqui"
language = "en"
license = "MIT"
sample_text = "This is the tiny test voice."
{extra}

[model]
path = "../tiny-vits/model.pth"

[params]
{params}

[pauses]
sentence_ms = 200
paragraph_ms = 400
heading_ms = 600
"""


def build_tiny_vits(directory: Path) -> None:
    """Save a VITS of about 0.5 M parameters as model.pth + config.json in `directory`."""
    import torch
    from TTS.config.shared_configs import BaseAudioConfig
    from TTS.tts.configs.shared_configs import CharactersConfig
    from TTS.tts.configs.vits_config import VitsArgs, VitsConfig
    from TTS.tts.models.vits import Vits

    torch.manual_seed(0)
    characters = CharactersConfig(
        characters_class="TTS.tts.models.vits.VitsCharacters",
        pad="_",
        eos="",
        bos="",
        blank=None,
        characters=LETTERS,
        punctuations=PUNCTUATION,
        phonemes=None,
        is_unique=True,
        is_sorted=True,
    )
    args = VitsArgs(
        hidden_channels=16,
        hidden_channels_ffn_text_encoder=32,
        num_heads_text_encoder=2,
        num_layers_text_encoder=1,
        num_layers_posterior_encoder=1,
        num_layers_flow=1,
        kernel_size_flow=3,
        kernel_size_posterior_encoder=3,
        resblock_type_decoder="2",
        resblock_kernel_sizes_decoder=[3],
        resblock_dilation_sizes_decoder=[[1, 3]],
        upsample_rates_decoder=[8, 8, 4],
        upsample_kernel_sizes_decoder=[16, 16, 8],
        upsample_initial_channel_decoder=32,
        use_sdp=False,
        init_discriminator=False,
    )
    audio = BaseAudioConfig(
        sample_rate=SAMPLE_RATE, hop_length=HOP, win_length=1024, fft_size=1024, num_mels=80, do_trim_silence=False
    )
    config = VitsConfig(
        model_args=args,
        audio=audio,
        use_phonemes=False,
        text_cleaner="basic_cleaners",
        characters=characters,
        add_blank=True,
    )
    model = Vits(config)
    with torch.no_grad():
        # A constant log-duration: every token lasts ceil(2.4) = 3 frames.
        model.duration_predictor.proj.weight.zero_()
        model.duration_predictor.proj.bias.fill_(math.log(2.4))
    directory.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict()}, directory / "model.pth")
    config.save_json(str(directory / "config.json"))


@pytest.fixture(scope="module")
def model_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("coqui")
    build_tiny_vits(root / "tiny-vits")
    return root


@pytest.fixture(autouse=True)
def _fresh_catalogs() -> None:
    clear_catalog_cache()


_catalogs = iter(range(10_000))


def coqui_voice(model_root: Path, voice_id: str = "tiny", *, extra: str = "", params: str = "") -> tuple[Path, Voice]:
    """A catalog directory beside the model with one voice file naming it by a relative path."""
    catalog = model_root / f"catalog-{next(_catalogs)}"
    catalog.mkdir()
    (catalog / f"{voice_id}.toml").write_text(VOICE.format(id=voice_id, extra=extra, params=params), encoding="utf-8")
    return catalog, get_voice(catalog, voice_id)


def expected_samples(sentence: str) -> int:
    """Length of a sentence from the tiny model: a blank around every character, 3 frames each."""
    tokens = 2 * len(" ".join(sentence.lower().split())) + 1
    return tokens * FRAMES_PER_TOKEN * HOP


def test_a_coqui_voice_narrates_an_article_through_the_pipeline(model_root: Path, tmp_path: Path) -> None:
    _, voice = coqui_voice(model_root)
    assert voice.model.path == (model_root / "tiny-vits" / "model.pth").resolve()
    engine = load_engine(voice)
    assert isinstance(engine, CoquiEngine)
    assert engine.sample_rate == SAMPLE_RATE and engine.device == "cpu"
    sentences = ["A tiny voice.", "It reads the article.", "Then it stops."]
    document = Document(
        title=sentences[0], blocks=(Block("paragraph", f"{sentences[1]} {sentences[2]}"),), language="en"
    )
    rendered = narrate_document(document, voice, engine, tmp_path / "tiny.mp3")

    speech = sum(expected_samples(s) for s in sentences) / SAMPLE_RATE
    pauses = 0.6 + 0.2  # after the title; between the paragraph's two sentences
    length = mp3_length(rendered.path)
    assert rendered.path.stat().st_size > 1000
    assert speech + pauses - 0.1 < length < speech + pauses + 0.2
    assert len(rendered.timeline.sentences) == 3


def test_vits_gives_phoneme_timings_that_cover_the_sentence(model_root: Path) -> None:
    _, voice = coqui_voice(model_root)
    audio = load_engine(voice).synthesize("Hello world.")
    assert len(audio.pcm) == expected_samples("Hello world.")
    assert sum(t.samples for t in audio.phonemes) == len(audio.pcm)
    assert "".join(t.phoneme for t in audio.phonemes) == "hello world."
    assert audio.pcm.dtype == np.float32


def test_the_generic_path_gives_the_same_length_without_coquis_padding(model_root: Path) -> None:
    _, voice = coqui_voice(model_root)
    engine = load_engine(voice)
    assert isinstance(engine, CoquiEngine)
    audio = engine._synthesize_generic("Hello world.")
    assert len(audio.pcm) == expected_samples("Hello world.")
    assert audio.phonemes == ()


def test_length_scale_from_the_voice_file_slows_the_voice(model_root: Path) -> None:
    _, voice = coqui_voice(model_root, "slow", params="length_scale = 2.0")
    audio = load_engine(voice).synthesize("Hello world.")
    tokens = 2 * len("hello world.") + 1
    assert len(audio.pcm) == tokens * 5 * HOP  # ceil(2.4 * 2) frames per token


def test_a_gpu_is_used_only_where_there_is_one(model_root: Path) -> None:
    import torch

    _, voice = coqui_voice(model_root, "gpu", extra='device = "cuda"')
    engine = load_engine(voice)
    assert isinstance(engine, CoquiEngine)
    assert engine.device == ("cuda" if torch.cuda.is_available() else "cpu")


def test_a_speaker_on_a_single_speaker_model_is_refused(model_root: Path) -> None:
    _, voice = coqui_voice(model_root, "who", extra='speaker = "bob"')
    with pytest.raises(VoiceUnavailable, match="speaker 'bob' is not in the model"):
        load_engine(voice)


def test_a_reference_clip_on_a_model_that_cannot_clone_is_refused(model_root: Path) -> None:
    catalog, _ = coqui_voice(model_root, "placeholder")
    (catalog / "me.wav").write_bytes(b"RIFF")
    (catalog / "clone.toml").write_text(VOICE.format(id="clone", extra='reference = "me.wav"', params=""))
    clear_catalog_cache()
    with pytest.raises(VoiceUnavailable, match="cannot clone a voice"):
        load_engine(get_voice(catalog, "clone"))


def test_a_corrupt_checkpoint_is_voice_unavailable(model_root: Path, tmp_path: Path) -> None:
    broken = model_root / "broken-vits"
    broken.mkdir(exist_ok=True)
    (broken / "model.pth").write_bytes(b"not a checkpoint")
    (broken / "config.json").write_text((model_root / "tiny-vits" / "config.json").read_text())
    catalog = model_root / "catalog-broken"
    catalog.mkdir(exist_ok=True)
    (catalog / "broken.toml").write_text(
        VOICE.format(id="broken", extra="", params="").replace("../tiny-vits/", "../broken-vits/")
    )
    with pytest.raises(VoiceUnavailable, match="could not be loaded"):
        load_engine(get_voice(catalog, "broken"))


def test_the_worker_makes_a_coqui_voice_sample(model_root: Path, tmp_path: Path) -> None:
    from workers.narration.samples import make_voice_sample

    catalog, voice = coqui_voice(model_root, "sampled")
    settings = Settings(data_dir=tmp_path / "data", voices_dir=catalog, default_voice="sampled")
    assert make_voice_sample("sampled", settings) == "done"
    with session_scope(settings.database_url) as session:
        row = find_sample(session, voice)
        assert row is not None and row.status == "done" and row.audio_key
        key = row.audio_key
    stored = tmp_path / "sample.mp3"
    stored.write_bytes(open_storage(settings.storage_url).get_bytes(key))
    speech = expected_samples(voice.sample_text) / SAMPLE_RATE
    assert abs(mp3_length(stored) - speech) < 0.15
    # Asked again, the stored sample is kept.
    assert make_voice_sample("sampled", settings) == "done"


def test_a_speed_applies_to_its_call_only(model_root: Path) -> None:
    _, voice = coqui_voice(model_root, "paced")
    engine = load_engine(voice)
    assert isinstance(engine, CoquiEngine)
    tokens = 2 * len("hello world.") + 1
    fast = engine.synthesize("Hello world.", SynthesisOptions(speed=2.0))
    assert len(fast.pcm) == tokens * 2 * HOP  # ceil(2.4 / 2) frames per token
    assert sum(t.samples for t in fast.phonemes) == len(fast.pcm)
    assert len(engine.synthesize("Hello world.").pcm) == expected_samples("Hello world.")  # put back
    assert engine._model.length_scale == 1.0


def test_a_speed_scales_the_voice_files_length_scale(model_root: Path) -> None:
    _, voice = coqui_voice(model_root, "slow-paced", params="length_scale = 2.0")
    audio = load_engine(voice).synthesize("Hello world.", SynthesisOptions(speed=2.0))
    assert len(audio.pcm) == (2 * len("hello world.") + 1) * FRAMES_PER_TOKEN * HOP  # 2.0 / 2: as trained


def test_xtts_gets_the_speed_as_its_argument_times_the_voice_files() -> None:
    """XTTS (too big to build here) through the generic path, with a stand-in for `TTS.tts`."""
    calls: list[dict[str, object]] = []

    class FakeTTS:
        def tts(self, text: str, **kwargs: object) -> list[float]:
            calls.append(kwargs)
            return [0.1] * 100

    engine = object.__new__(CoquiEngine)
    engine._tts, engine.is_vits, engine.is_xtts, engine.sample_rate = FakeTTS(), False, True, 24000  # type: ignore[assignment]
    engine._lock = threading.Lock()
    engine._kwargs = {"language": "en", "speed": 1.1}
    engine.synthesize("Hello world.", SynthesisOptions(speed=2.0))
    engine.synthesize("Hello world.")
    assert [c["speed"] for c in calls] == [pytest.approx(2.2), 1.1]
    assert engine._kwargs["speed"] == 1.1
