"""The Xing "Info" frame with a LAME tag, written in front of every narration's MPEG frames.

The Info frame (frame count, byte count, seek table, and encoder delay and
padding for gapless playback) lets players show the exact duration and
decoders return exactly the samples encoded. Narrations are joined from
parts encoded without one (service/audio/parts.py), so it is written here for
the whole stream: in a frame of the stream's own bitrate, or of a larger one
where that frame is too small to hold it (below 56 kbit/s for mono MPEG-1,
where LAME itself would drop it).

Layout: the Xing header (mp3-tech.org "VBR header" / Gabriel Bouvigne's Xing
notes) and LAME tag rev. 1 (LAME's doc "lame tag": version string, method,
delay/padding, music length, CRC-16 of the music and of the tag itself).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# LAME 3.100 delays MPEG-1 Layer III output by this many samples (ENCDELAY).
LAME_ENCODER_DELAY = 576
SAMPLES_PER_FRAME = 1152
_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)  # MPEG-1 Layer III
_SAMPLE_RATES = (44100, 48000, 32000)
_LAME_TAG_SIZE = 36
_XING_SIZE = 120  # "Info", flags, frames, bytes, 100-entry seek table, quality
_FLAGS_ALL = 0x0F
_CBR_METHOD = 1


@dataclass(frozen=True)
class FrameHeader:
    """The fields of an MPEG-1 Layer III frame header that size a frame."""

    raw: bytes
    bitrate_kbps: int
    sample_rate: int
    padding: int
    mono: bool

    @property
    def size(self) -> int:
        return 144 * self.bitrate_kbps * 1000 // self.sample_rate + self.padding

    @property
    def side_info_size(self) -> int:
        return 17 if self.mono else 32


def parse_header(data: bytes) -> FrameHeader | None:
    """The frame header at the start of `data`, if it is MPEG-1 Layer III."""
    if len(data) < 4 or data[0] != 0xFF or (data[1] & 0xFE) != 0xFA:
        return None
    bitrate_index, rate_index = data[2] >> 4, (data[2] >> 2) & 3
    if bitrate_index in (0, 15) or rate_index == 3:
        return None
    return FrameHeader(
        raw=bytes(data[:4]),
        bitrate_kbps=_BITRATES_KBPS[bitrate_index],
        sample_rate=_SAMPLE_RATES[rate_index],
        padding=(data[2] >> 1) & 1,
        mono=(data[3] >> 6) == 3,
    )


def frame_offsets(stream: bytes) -> list[int]:
    """Byte offsets of the consecutive frames of an MPEG stream."""
    offsets: list[int] = []
    position = 0
    while (header := parse_header(stream[position : position + 4])) is not None:
        offsets.append(position)
        position += header.size
    return offsets


def has_info_frame(stream: bytes) -> bool:
    """True when the stream's first frame is a Xing/Info frame."""
    header = parse_header(stream[:4])
    if header is None:
        return False
    at = 4 + header.side_info_size
    return stream[at : at + 4] in (b"Info", b"Xing")


def _crc16_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC16_TABLE = _crc16_table()


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC (polynomial 0x8005, reflected), the checksum of the LAME tag and of the music."""
    table = _CRC16_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def info_frame(stream: bytes, samples: int, kbps: int) -> bytes:
    """A Xing Info frame with a LAME tag describing `stream`, which holds `samples` encoded samples."""
    first = parse_header(stream[:4])
    if first is None:
        raise ValueError("not an MPEG-1 Layer III stream")
    offsets = frame_offsets(stream)
    padding = len(offsets) * SAMPLES_PER_FRAME - samples - LAME_ENCODER_DELAY
    if not 0 <= padding < 4096:
        raise ValueError(f"{len(offsets)} frames cannot hold {samples} samples after LAME's delay")
    # The stream's own bitrate (as LAME does for CBR), else the smallest whose frame holds the whole tag.
    needed = 4 + first.side_info_size + _XING_SIZE + _LAME_TAG_SIZE + 2
    index = next(
        i
        for i, b in enumerate(_BITRATES_KBPS)
        if b and (b == first.bitrate_kbps or b > first.bitrate_kbps) and 144 * b * 1000 // first.sample_rate >= needed
    )
    header = bytes([first.raw[0], first.raw[1], (index << 4) | (first.raw[2] & 0x0C), first.raw[3]])
    tag_header = parse_header(header)
    assert tag_header is not None
    size = tag_header.size
    total = size + len(stream)
    # Seek table: where each percent of the playing time starts, in 1/256 of the file.
    toc = bytes(
        min(255, (size + offsets[min(len(offsets) - 1, p * len(offsets) // 100)]) * 256 // total) for p in range(100)
    )
    xing = b"Info" + struct.pack(">III", _FLAGS_ALL, len(offsets), total) + toc + struct.pack(">I", 0)
    delay_padding = bytes([LAME_ENCODER_DELAY >> 4, ((LAME_ENCODER_DELAY & 0xF) << 4) | (padding >> 8), padding & 0xFF])
    lame = (
        b"LAME3.100"
        + bytes([_CBR_METHOD, 0])  # tag revision 0 | method CBR; lowpass unknown
        + bytes(8)  # no ReplayGain
        + bytes([0, min(kbps, 255)])
        + delay_padding
        + bytes([0, 0, 0, 0])  # misc, mp3 gain, surround/preset
        + struct.pack(">IH", total, crc16(stream))
    )
    frame = bytearray(header + bytes(first.side_info_size) + xing + lame)
    frame += struct.pack(">H", crc16(bytes(frame)))
    frame += bytes(size - len(frame))
    return bytes(frame)
