"""Real files for the console's upload forms: a PNG image and a WAV jingle, made on the spot."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import soundfile as sf


def png(width: int = 48, height: int = 48, rgb: tuple[int, int, int] = (11, 92, 173)) -> bytes:
    """A valid PNG of one colour (what browsers and podcast apps decode), written by the format's rules."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def wav(seconds: float = 1.0, rate: int = 22050) -> bytes:
    """A WAV tone of `seconds`."""
    buffer = io.BytesIO()
    tone = 0.2 * np.sin(2 * np.pi * 440 * np.arange(int(seconds * rate)) / rate)
    sf.write(buffer, tone.astype(np.float32), rate, format="WAV")
    return buffer.getvalue()
