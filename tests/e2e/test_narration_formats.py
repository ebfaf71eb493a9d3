"""An article in Opus and AAC end to end: Redis broker, a real worker process, the API, the real voice.

A listener downloads each format from the URLs the narration lists; Debian's
ffmpeg decodes them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service.audio.loudness import integrated_loudness
from tests.decode import ffmpeg_complaints, ffmpeg_decoded
from tests.processes import RunningService, wait_for_narration

pytestmark = pytest.mark.e2e

RATE = 44100
FRAME_S = {"mp3": 1152 / RATE, "aac": 1024 / RATE, "opus": 0.020}
PARAGRAPHS = (
    "The harbour works begin on Monday, the council said after a long debate.",
    "Boats will use the northern quay until the summer, and the ferry keeps its timetable.",
)


@pytest.fixture(scope="module")
def downloaded(redis_service: RunningService, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The narration's files by format, as a listener fetched them from the listed URLs."""
    directory = tmp_path_factory.mktemp("formats")
    with redis_service.client() as client, redis_service.listener() as listener:
        body = {"title": "Harbour works", "text": "\n\n".join(PARAGRAPHS), "formats": ["opus", "aac"]}
        created = client.post("/v1/articles", json=body)
        assert created.status_code == 202, created.text
        narration = wait_for_narration(client, created.headers["location"])
        assert narration["status"] == "done", narration["error"]
        files = {}
        for entry in narration["audio_files"]:
            response = listener.get(entry["url"], follow_redirects=True)
            assert response.status_code == 200 and response.headers["content-type"] == entry["media_type"]
            assert len(response.content) == entry["bytes"]
            files[entry["format"]] = directory / entry["url"].rsplit("/", 1)[-1]
            files[entry["format"]].write_bytes(response.content)
    assert list(files) == ["opus", "aac", "mp3"]
    return files


@pytest.mark.parametrize("name", ["opus", "aac"])
def test_each_format_decodes_cleanly_to_the_mp3s_length_within_a_frame(downloaded: dict[str, Path], name: str) -> None:
    assert ffmpeg_complaints(downloaded[name]) == (0, "")
    mp3_s = len(ffmpeg_decoded(downloaded["mp3"], RATE)) / RATE
    assert abs(len(ffmpeg_decoded(downloaded[name], RATE)) / RATE - mp3_s) <= FRAME_S[name]


@pytest.mark.parametrize("name", ["opus", "aac"])
def test_each_format_of_the_real_voice_is_as_loud_as_the_mp3(downloaded: dict[str, Path], name: str) -> None:
    mp3 = integrated_loudness(ffmpeg_decoded(downloaded["mp3"], RATE), RATE)
    other = integrated_loudness(ffmpeg_decoded(downloaded[name], RATE), RATE)
    assert abs(other - -16.0) <= 1.0 and abs(other - mp3) <= 1.0, (other, mp3)
