"""ID3v2 tags: what podcast apps show, cover art and chapters; the audio and its duration untouched."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from service.audio.mp3 import decode_mp3, encode_mp3
from workers.narration.chapters import Chapter
from workers.narration.tags import AudioTags, image_mime, write_tags

RATE = 44100


def png_bytes() -> bytes:
    """A valid 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def mp3(tmp_path: Path) -> Path:
    path = tmp_path / "a.mp3"
    t = np.arange(int(RATE * 4.321)) / RATE
    encode_mp3((0.2 * np.sin(2 * np.pi * 300 * t)).astype(np.float32), RATE, path, kbps=64)
    return path


CHAPTERS = (Chapter(0.0, 2.5, "Title"), Chapter(2.5, 4.321, "Second part"))


def test_podcast_frames_are_written(mp3: Path) -> None:
    write_tags(mp3, AudioTags(title="Title", artist="Jane Doe", album="City News"), CHAPTERS, 4.321)
    tags = ID3(mp3)
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "Title"
    assert str(tags["TPE1"]) == "Jane Doe"
    assert str(tags["TALB"]) == "City News"
    assert str(tags["TCON"]) == "Podcast"
    assert str(tags["TLEN"]) == "4321"


def test_chapters_become_chap_frames_listed_by_an_ordered_top_level_ctoc(mp3: Path) -> None:
    write_tags(mp3, AudioTags(title="Title"), CHAPTERS, 4.321)
    tags = ID3(mp3)
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chaps] == [
        (0, 2500, "Title"),
        (2500, 4321, "Second part"),
    ]
    (toc,) = tags.getall("CTOC")
    assert toc.child_element_ids == [c.element_id for c in chaps]
    assert toc.flags & 0x3 == 0x3  # top level, ordered


def test_cover_art_from_bytes_or_a_file(mp3: Path, tmp_path: Path) -> None:
    image = png_bytes()
    (tmp_path / "cover.png").write_bytes(image)
    for cover in (image, tmp_path / "cover.png"):
        write_tags(mp3, AudioTags(title="T", cover=cover), (), 4.321)
        (apic,) = ID3(mp3).getall("APIC")
        assert (apic.mime, apic.type, apic.data) == ("image/png", 3, image)


def test_only_png_or_jpeg_is_accepted_as_cover() -> None:
    assert image_mime(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    with pytest.raises(ValueError):
        image_mime(b"GIF89a")


def test_the_tagged_file_decodes_to_the_same_samples_and_duration(mp3: Path) -> None:
    before, _ = decode_mp3(mp3)
    write_tags(mp3, AudioTags(title="Ünïcode title — ok", artist="A", album="B", cover=png_bytes()), CHAPTERS, 4.321)
    after, _ = decode_mp3(mp3)
    assert np.array_equal(before, after)
    assert sf.info(str(mp3)).frames == len(before)
    info = MP3(mp3).info
    assert info.length == pytest.approx(4.321, abs=0.001)
    assert str(ID3(mp3)["TIT2"]) == "Ünïcode title — ok"


def test_tagging_again_replaces_the_tag(mp3: Path) -> None:
    write_tags(mp3, AudioTags(title="One"), CHAPTERS, 4.321)
    write_tags(mp3, AudioTags(title="Two"), (), 4.321)
    tags = ID3(mp3)
    assert str(tags["TIT2"]) == "Two" and not tags.getall("CHAP")
