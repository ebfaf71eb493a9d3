"""Listeners end to end: the live stream of a running narration, and OpenAI-compatible speech."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import httpx
import openai
import pytest
import soundfile as sf

from tests.decode import ffmpeg_complaints, ffmpeg_decoded
from tests.processes import RunningService, wait_for_narration

pytestmark = pytest.mark.e2e

LIVE_ARTICLE = {
    "title": "Harbor news",
    "text": "\n\n".join(
        f"Part {n}. The harbor master said the ferries would run on the winter timetable from Monday, "
        f"and that the new pier should open before the end of the month."
        for n in range(1, 9)
    ),
}


def test_the_live_stream_starts_long_before_the_narration_ends(redis_service: RunningService) -> None:
    with redis_service.client() as client:
        created = client.post("/v1/articles", json=LIVE_ARTICLE)
        started = time.monotonic()
        first_byte_at: list[float] = []
        body = bytearray()

        def listen() -> None:
            with httpx.stream(
                "GET", f"{redis_service.base_url}/v1/articles/{created.json()['id']}/live.mp3", timeout=600
            ) as r:
                assert r.status_code == 200 and r.headers["content-type"] == "audio/mpeg"
                for chunk in r.iter_bytes():
                    if chunk and not first_byte_at:
                        first_byte_at.append(time.monotonic() - started)
                    body.extend(chunk)

        listener = threading.Thread(target=listen)
        listener.start()
        narration = wait_for_narration(client, created.headers["location"])
        total = time.monotonic() - started
        listener.join(timeout=60)
    with redis_service.listener() as anonymous:
        after = anonymous.get(f"/v1/articles/{created.json()['id']}/live.mp3", follow_redirects=False)
    assert narration["status"] == "done"
    print(f"\nfirst live bytes after {first_byte_at[0]:.1f} s of a {total:.1f} s narration")
    assert first_byte_at[0] < total / 3
    streamed, rate = sf.read(io.BytesIO(bytes(body)))
    assert len(streamed) / rate == pytest.approx(narration["duration_s"], rel=0.1)
    assert after.status_code == 307 and after.headers["location"] == f"/media/{narration['sha256']}.mp3"


@pytest.fixture
def openai_client(redis_service: RunningService) -> openai.OpenAI:
    """The OpenAI client with the service's key (`POST /v1/audio/speech` needs `articles:write`)."""
    assert redis_service.key is not None
    return openai.OpenAI(base_url=f"{redis_service.base_url}/v1", api_key=redis_service.key)


def test_the_openai_client_gets_mp3_speech(openai_client: openai.OpenAI) -> None:
    response = openai_client.audio.speech.create(model="tts-1", voice="alloy", input="Good morning. Here is the news.")
    audio, rate = sf.read(io.BytesIO(response.content))
    assert len(audio) / rate > 1.0


def test_the_openai_client_streams_wav_and_pcm(openai_client: openai.OpenAI) -> None:
    text = "The tide turns at noon."
    with openai_client.audio.speech.with_streaming_response.create(
        model="tts-1", voice="en_US-joe-medium", input=text, response_format="wav"
    ) as response:
        wav = b"".join(response.iter_bytes())
    pcm = openai_client.audio.speech.create(model="tts-1", voice="alloy", input=text, response_format="pcm").content
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
    assert len(pcm) % 2 == 0 and len(pcm) / 2 / 24000 > 0.8


def test_speed_two_is_about_half_as_long(openai_client: openai.OpenAI) -> None:
    text = "Speaking faster makes the same sentence shorter, which listeners often ask for."
    normal = openai_client.audio.speech.create(model="tts-1", voice="alloy", input=text, response_format="wav").content
    fast = openai_client.audio.speech.create(
        model="tts-1", voice="alloy", input=text, response_format="wav", speed=2.0
    ).content
    assert 0.35 < (len(fast) - 44) / (len(normal) - 44) < 0.65


@pytest.mark.parametrize(
    ("response_format", "media_type", "frame_s"),
    # How much longer each may decode than the WAV: Opus and FLAC not at all, AAC in ADTS by its priming and
    # last frame's padding (service/audio/codecs.py).
    [("opus", "audio/ogg", 0.0), ("aac", "audio/aac", 2 * 1024 / 44100), ("flac", "audio/flac", 0.0)],
)
def test_the_openai_client_gets_compressed_speech_as_long_as_the_wav(
    openai_client: openai.OpenAI, response_format: str, media_type: str, frame_s: float, tmp_path: Path
) -> None:
    text = "Ferries resume on Monday at 7 a.m., the harbor master said."
    wav = openai_client.audio.speech.create(model="tts-1", voice="alloy", input=text, response_format="wav")
    response = openai_client.audio.speech.create(
        model="tts-1",
        voice="alloy",
        input=text,
        response_format=response_format,  # type: ignore[arg-type]
    )
    assert response.response.headers["content-type"] == media_type
    (tmp_path / "speech.wav").write_bytes(wav.content)
    (tmp_path / "speech").write_bytes(response.content)
    assert ffmpeg_complaints(tmp_path / "speech") == (0, "")
    wav_s = len(ffmpeg_decoded(tmp_path / "speech.wav", 48000)) / 48000
    decoded_s = len(ffmpeg_decoded(tmp_path / "speech", 48000)) / 48000
    rounding_s = 0.001  # both are resampled to 48 kHz to compare
    assert -rounding_s <= decoded_s - wav_s <= frame_s + rounding_s
