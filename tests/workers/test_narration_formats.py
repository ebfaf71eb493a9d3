"""A narration in Opus and AAC besides its MP3: made by the real fan-out and assembly, decoded by ffmpeg and PyAV.

Each article is narrated inline with the silent test voice (tones as long as
the text takes to say), once plain and once in a feed with an intro and an
outro (its first and last blocks are mixed). The files are read back from
storage and decoded by Debian's ffmpeg (a tool independent of the PyAV that
wrote them) and by PyAV.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from service.articles import records
from service.audio.formats import AAC, FORMATS, MP3, OPUS
from service.audio.loudness import integrated_loudness
from service.audio.master import TARGET_LUFS
from service.core.db import session_scope
from service.core.settings import Settings
from service.core.storage import storage_for
from service.core.voices import clear_catalog_cache
from service.document.model import Block, Document
from service.listeners.feeds.records import FeedFields, create_feed
from tests.api.test_feed_assets import wav
from tests.decode import ffmpeg_complaints, ffmpeg_decoded
from tests.workers.conftest import TEST_VOICES
from tests.workers.inline import narrate_inline
from workers.synthesis import silent

RATE = 44100  # the narration's output rate: every file is decoded to it for comparison
# A frame of each codec, the tolerance of "the same duration": MP3 1152 samples, AAC 1024, Opus 20 ms.
FRAME_S = {"mp3": 1152 / RATE, "aac": 1024 / RATE, "opus": 0.020}
EXTRA = ("opus", "aac")

DOC = Document(
    title="Harbour works begin",
    blocks=(
        Block("heading", "What changes"),
        Block("paragraph", "The council approved the harbour works on Tuesday, after a long debate."),
        Block("quote", "We have waited twenty years for this, said the mayor."),
        Block("paragraph", "Work starts in May and should end before the summer of next year."),
    ),
)


@dataclass(frozen=True)
class Narrated:
    """A finished narration's files on disk, by format, and its record's facts."""

    files: dict[str, Path]
    duration_s: float  # the narration's timeline: the decoded MP3's exact length
    listed: dict[str, tuple[str, str, int, str]]  # format -> (key, media type, bytes, sha256), as recorded


@pytest.fixture(scope="module", params=["plain", "jingles"])
def narrated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Narrated:
    """An article asking for every format, narrated by the fan-out and assembly; `jingles`: in a feed with both."""
    tmp = tmp_path_factory.mktemp(f"formats-{request.param}")
    clear_catalog_cache()
    with silent.installed():
        settings = Settings(data_dir=tmp / "data", extra_voices_dir=TEST_VOICES, default_voice=silent.NAME)
        storage = storage_for(settings)
        feed = None
        if request.param == "jingles":
            with session_scope(settings.database_url) as session:
                made = create_feed(
                    session, "city", FeedFields("City", "News", "en", "Desk", "d@example.com", "News"), feed_url="x"
                )
                made.intro_key = storage.put_bytes(wav(3.0), "wav").key
                made.outro_key = storage.put_bytes(wav(2.0), "wav").key
            feed = "city"
        with session_scope(settings.database_url) as session:
            _, narration = records.create_article(
                session,
                document=DOC,
                source_kind="text",
                source="x",
                voice=settings.default_voice,
                feed=feed,
                formats=["mp3", "opus", "aac"],
            )
            narration_id = narration.id
        assert narrate_inline(narration_id, settings) == "done"
        with session_scope(settings.database_url) as session:
            done = records.get_narration(session, narration_id)
            listed = {f.format: (f.key, f.media_type, f.bytes, f.sha256) for f in done.files}
            listed["mp3"] = (str(done.audio_key), MP3.media_type, int(done.bytes or 0), str(done.sha256))
            duration_s = float(done.duration_s or 0)
    clear_catalog_cache()
    files = {}
    for name, (key, *_rest) in listed.items():
        files[name] = tmp / key
        files[name].write_bytes(storage.get_bytes(key))
    return Narrated(files, duration_s, listed)


def pyav_decoded_s(path: Path) -> float:
    """The length of a file as PyAV decodes it (FFmpeg's libraries, as a browser built on them would)."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return sum(frame.samples for frame in container.decode(stream)) / float(stream.rate)


def ffprobe_s(path: Path) -> float:
    """The length a file's container declares, as ffprobe reads it."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout)


def test_the_narration_records_every_format_it_was_asked_for(narrated: Narrated) -> None:
    assert set(narrated.listed) == {"mp3", "opus", "aac"}
    for name, (key, media_type, size, sha256) in narrated.listed.items():
        data = narrated.files[name].read_bytes()
        assert key == f"{hashlib.sha256(data).hexdigest()}.{FORMATS[name].extension}"
        assert (media_type, size, sha256) == (FORMATS[name].media_type, len(data), key.split(".")[0])


@pytest.mark.parametrize("name", EXTRA)
def test_ffmpeg_decodes_each_format_without_a_complaint(narrated: Narrated, name: str) -> None:
    assert ffmpeg_complaints(narrated.files[name]) == (0, "")


@pytest.mark.parametrize("name", EXTRA)
def test_each_format_is_what_its_name_says(narrated: Narrated, name: str) -> None:
    probe = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(narrated.files[name])],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    (stream,) = probe["streams"]
    assert (stream["codec_name"], stream["channels"]) == (name, 1)
    if name == "opus":
        assert (probe["format"]["format_name"], stream["sample_rate"]) == ("ogg", "48000")
    else:  # an iTunes-style .m4a, AAC-LC
        assert (probe["format"]["tags"]["major_brand"].strip(), stream["profile"]) == ("M4A", "LC")


@pytest.mark.parametrize("name", EXTRA)
def test_ffmpeg_decodes_each_format_to_the_mp3s_length_within_a_frame(narrated: Narrated, name: str) -> None:
    mp3_s = len(ffmpeg_decoded(narrated.files["mp3"], RATE)) / RATE
    decoded_s = len(ffmpeg_decoded(narrated.files[name], RATE)) / RATE
    assert abs(mp3_s - narrated.duration_s) <= FRAME_S["mp3"]
    assert abs(decoded_s - mp3_s) <= FRAME_S[name], (decoded_s, mp3_s)
    assert abs(decoded_s - narrated.duration_s) <= FRAME_S[name]


@pytest.mark.parametrize("name", EXTRA)
def test_pyav_decodes_each_format_to_the_narrations_length_within_a_frame(narrated: Narrated, name: str) -> None:
    assert abs(pyav_decoded_s(narrated.files[name]) - narrated.duration_s) <= FRAME_S[name]


@pytest.mark.parametrize("name", EXTRA)
def test_each_container_declares_the_narrations_length_within_a_frame(narrated: Narrated, name: str) -> None:
    assert abs(ffprobe_s(narrated.files[name]) - narrated.duration_s) <= FRAME_S[name]


@pytest.mark.parametrize("name", EXTRA)
def test_each_format_is_as_loud_as_the_mp3(narrated: Narrated, name: str) -> None:
    mp3 = integrated_loudness(ffmpeg_decoded(narrated.files["mp3"], RATE), RATE)
    other = integrated_loudness(ffmpeg_decoded(narrated.files[name], RATE), RATE)
    assert abs(other - TARGET_LUFS) <= 1.0, other
    assert abs(other - mp3) <= 1.0, (other, mp3)


@pytest.mark.parametrize("name", EXTRA)
def test_each_format_keeps_the_mp3s_timeline(narrated: Narrated, name: str) -> None:
    """Speech and pauses at the same moments: the captions and chapters made for the MP3 fit every format."""
    window = RATE // 50  # 20 ms

    def envelope(pcm: np.ndarray) -> np.ndarray:
        usable = len(pcm) // window * window
        return np.sqrt(np.mean(pcm[:usable].reshape(-1, window) ** 2, axis=1))

    mp3 = envelope(ffmpeg_decoded(narrated.files["mp3"], RATE))
    other = envelope(ffmpeg_decoded(narrated.files[name], RATE))
    n = min(len(mp3), len(other))
    assert float(np.corrcoef(mp3[:n], other[:n])[0, 1]) > 0.95
    speaking = mp3[:n] > 0.01
    assert np.mean(speaking == (other[:n] > 0.01)) > 0.97  # a window at a word's edge may differ


@pytest.mark.parametrize("name", EXTRA)
def test_each_format_is_smaller_than_the_mp3(narrated: Narrated, name: str) -> None:
    assert narrated.listed[name][2] < narrated.listed["mp3"][2]


def test_an_article_that_names_no_format_gets_only_the_mp3(silent_settings: Settings) -> None:
    with session_scope(silent_settings.database_url) as session:
        _, narration = records.create_article(
            session, document=DOC, source_kind="text", source="x", voice=silent_settings.default_voice
        )
        narration_id = narration.id
    assert narrate_inline(narration_id, silent_settings) == "done"
    with session_scope(silent_settings.database_url) as session:
        assert records.get_narration(session, narration_id).files == []
    media = {p.suffix for p in (silent_settings.data_dir / "media").iterdir()}
    assert not media & {f".{OPUS.extension}", f".{AAC.extension}"}
