"""Opus, AAC and FLAC streams, encoded by FFmpeg's encoders through PyAV as the audio comes.

The streaming encoders of service/audio/stream.py for the compressed formats
of /v1/audio/speech: Opus in Ogg (48 kHz, what Opus runs at), AAC-LC in ADTS
frames (raw `.aac`, what OpenAI's `aac` is; an MP4 needs a seekable file or
fragments that many players refuse), and FLAC at the rate of the first audio
(lossless; its header carries no length, as the WAV stream's does not, since
the length is unknown when it is sent).

The container writes into a sink that hands out what was written since the
last call, so each segment's bytes go out as soon as the muxer lets them go
(Ogg holds up to a page, about a second).

ADTS carries no encoder delay: decoders play AAC's 1024 samples of priming
and the padding of the last frame, so a decoded AAC stream is up to two AAC
frames (46 ms at 44.1 kHz) longer than its audio. Opus in Ogg and FLAC decode
to the exact length.

PyAV (with FFmpeg's libraries, about 27 MB resident) is imported only when
such a stream starts: the API process loads it only if someone asks for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from service.audio.pcm import resample

if TYPE_CHECKING:
    from av.audio.stream import AudioStream
    from av.container import OutputContainer


@dataclass(frozen=True)
class Codec:
    """How one format is encoded: FFmpeg's muxer and encoder, their sample format, rate and bitrate."""

    media_type: str
    muxer: str
    encoder: str
    sample_format: str
    sample_rate: int | None  # None: the rate of the first audio
    bit_rate: int | None  # None: lossless
    options: tuple[tuple[str, str], ...] = ()  # the muxer's (a file's `movflags`)


OPUS = Codec("audio/ogg", "ogg", "libopus", "flt", 48000, 48000)
AAC = Codec("audio/aac", "adts", "aac", "fltp", 44100, 64000)
FLAC = Codec("audio/flac", "flac", "flac", "s16", None, None)


class _Sink:
    """A write-only file for the muxer: what it wrote since the last `take`."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self._chunks)
        self._chunks.clear()
        return out


class CodecStream:
    """A streaming encoder (service.audio.stream.StreamEncoder) for one `Codec`.

    With `path`, the container is written to that file instead (seekable: an
    MP4 needs it to write its index) and every call returns no bytes.
    """

    def __init__(self, codec: Codec, path: Path | None = None) -> None:
        self.codec = codec
        self._path = path
        self.media_type = codec.media_type
        self.sample_rate = codec.sample_rate or 0
        self._sink = _Sink()
        self._container: OutputContainer | None = None
        self._stream: AudioStream | None = None
        self._samples = 0

    def start(self, sample_rate: int) -> bytes:
        import av

        self.sample_rate = self.codec.sample_rate or sample_rate
        target = str(self._path) if self._path is not None else self._sink
        container = av.open(target, mode="w", format=self.codec.muxer, options=dict(self.codec.options))
        stream = container.add_stream(self.codec.encoder, rate=self.sample_rate, layout="mono")
        assert isinstance(stream, av.AudioStream), f"{self.codec.encoder} is not an audio encoder"
        stream.format = self.codec.sample_format
        if self.codec.bit_rate is not None:
            stream.bit_rate = self.codec.bit_rate
        self._container, self._stream = container, stream
        return self._sink.take()

    def encode(self, pcm: np.ndarray, sample_rate: int) -> bytes:
        import av

        assert self._container is not None and self._stream is not None, "start() first"
        audio = resample(pcm, sample_rate, self.sample_rate)
        if len(audio) == 0:
            return b""
        frame = av.AudioFrame.from_ndarray(audio.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = self.sample_rate
        frame.pts = self._samples  # in samples: the stream's time base is 1 / its rate
        self._samples += len(audio)
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        return self._sink.take()

    def finish(self) -> bytes:
        assert self._container is not None and self._stream is not None, "start() first"
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()
        return self._sink.take()
