"""The Opus, AAC and FLAC streams (service/audio/codecs.py), judged by tools that did not make them.

Each stream is encoded segment by segment as /v1/audio/speech sends it, then
decoded by Debian's ffmpeg command (not the PyAV libraries that encoded it)
and read by mutagen.
"""

from __future__ import annotations

from pathlib import Path

import mutagen
import numpy as np
import pytest

from service.audio.codecs import AAC, FLAC, OPUS, Codec, CodecStream
from service.audio.loudness import integrated_loudness
from service.audio.stream import encode_segment
from service.audio.targets import TARGET_LUFS
from tests.decode import ffmpeg_complaints, ffmpeg_decoded

RATE = 22050
SPEECH_S, PAUSE_MS = (1.5, 1.0), 400  # two segments, a pause after the first
LENGTH_S = sum(SPEECH_S) + PAUSE_MS / 1000
AAC_FRAME = 1024


def _speechlike(seconds: float, level: float = 0.05) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * 220 * t) * np.sin(np.pi * 4 * t) ** 2).astype(np.float32)


def _encoded(codec: Codec, folder: Path) -> tuple[Path, list[bytes]]:
    """Two segments streamed in `codec`: the file and the chunks as they were sent."""
    encoder = CodecStream(codec)
    chunks = [encoder.start(RATE)]
    chunks.append(encode_segment(encoder, _speechlike(SPEECH_S[0]), RATE, PAUSE_MS))
    chunks.append(encode_segment(encoder, _speechlike(SPEECH_S[1]), RATE, 0))
    chunks.append(encoder.finish())
    path = folder / f"speech.{codec.muxer}"
    path.write_bytes(b"".join(chunks))
    return path, chunks


@pytest.mark.parametrize("codec", [OPUS, AAC, FLAC], ids=["opus", "aac", "flac"])
def test_ffmpeg_decodes_the_stream_without_an_error(codec: Codec, tmp_path: Path) -> None:
    path, _ = _encoded(codec, tmp_path)
    assert ffmpeg_complaints(path) == (0, "")


@pytest.mark.parametrize(
    ("codec", "kind", "rate"),
    [(OPUS, "OggOpus", 48000), (AAC, "AAC", 44100), (FLAC, "FLAC", RATE)],
    ids=["opus", "aac", "flac"],
)
def test_mutagen_reads_the_stream_as_its_format(codec: Codec, kind: str, rate: int, tmp_path: Path) -> None:
    path, _ = _encoded(codec, tmp_path)
    audio = mutagen.File(path)
    assert type(audio).__name__ == kind
    assert getattr(audio.info, "sample_rate", 48000) == rate  # Ogg Opus always decodes at 48 kHz


@pytest.mark.parametrize("codec", [OPUS, FLAC], ids=["opus", "flac"])
def test_opus_and_flac_decode_to_the_exact_length(codec: Codec, tmp_path: Path) -> None:
    path, _ = _encoded(codec, tmp_path)
    rate = codec.sample_rate or RATE
    assert len(ffmpeg_decoded(path)) == round(LENGTH_S * rate)


def test_aac_decodes_to_its_length_plus_the_priming_and_the_last_frame_s_padding(tmp_path: Path) -> None:
    # ADTS has nowhere to say how long the encoder delay is: decoders play it (docs in service/audio/codecs.py).
    path, _ = _encoded(AAC, tmp_path)
    expected = round(LENGTH_S * 44100) + AAC_FRAME
    assert expected <= len(ffmpeg_decoded(path)) < expected + AAC_FRAME


@pytest.mark.parametrize("codec", [OPUS, AAC, FLAC], ids=["opus", "aac", "flac"])
def test_the_decoded_stream_has_the_mp3_s_loudness(codec: Codec, tmp_path: Path) -> None:
    path, _ = _encoded(codec, tmp_path)
    pcm = ffmpeg_decoded(path)
    # Each segment is mastered to the target alone; the pause is silence, which loudness gating leaves out.
    assert integrated_loudness(pcm, codec.sample_rate or RATE) == pytest.approx(TARGET_LUFS, abs=1.0)


@pytest.mark.parametrize("codec", [AAC, FLAC], ids=["aac", "flac"])
def test_bytes_leave_with_the_first_segment(codec: Codec, tmp_path: Path) -> None:
    _, chunks = _encoded(codec, tmp_path)
    assert len(chunks[0] + chunks[1]) > 1000
