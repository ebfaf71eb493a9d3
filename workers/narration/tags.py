"""ID3v2 tags for a narrated MP3 (mutagen): what podcast apps show, and its chapters.

Tags are written as ID3v2.3, the version every podcast app and car stereo
reads; chapters use the ID3 chapter addendum (one CHAP frame per chapter and
a top-level, ordered CTOC listing them). The tag sits before the first MPEG
frame, so the Xing/LAME header that carries the exact duration is untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    CTOC,
    ID3,
    TALB,
    TCON,
    TIT2,
    TLAN,
    TLEN,
    TPE1,
    CTOCFlags,
    Encoding,
    PictureType,
)

from workers.narration.chapters import Chapter

PODCAST_GENRE = "Podcast"
# Offsets are unused in CHAP frames that give times; the spec says so with all ones.
_NO_OFFSET = 0xFFFFFFFF
_IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class AudioTags:
    """What to write into a narration's ID3 tag."""

    title: str | None = None
    artist: str | None = None  # the byline, else the publication
    album: str | None = None  # the feed
    genre: str = PODCAST_GENRE
    language: str | None = None  # ISO 639-2, e.g. "eng"
    cover: Path | bytes | None = None  # a PNG or JPEG file or its bytes


def image_mime(data: bytes) -> str:
    """The MIME type of PNG or JPEG bytes; ValueError for anything else."""
    for magic, mime in _IMAGE_TYPES.items():
        if data.startswith(magic):
            return mime
    raise ValueError("cover art must be a PNG or JPEG image")


def write_tags(path: Path, tags: AudioTags, chapters: Sequence[Chapter], duration_s: float) -> None:
    """Replace the ID3 tag of the MP3 at `path` with `tags` and `chapters`."""
    id3 = ID3()
    text = Encoding.UTF16  # ID3v2.3 has no UTF-8; UTF-16 carries any title
    if tags.title:
        id3.add(TIT2(encoding=text, text=[tags.title]))
    if tags.artist:
        id3.add(TPE1(encoding=text, text=[tags.artist]))
    if tags.album:
        id3.add(TALB(encoding=text, text=[tags.album]))
    if tags.genre:
        id3.add(TCON(encoding=text, text=[tags.genre]))
    if tags.language:
        id3.add(TLAN(encoding=Encoding.LATIN1, text=[tags.language]))
    id3.add(TLEN(encoding=Encoding.LATIN1, text=[str(round(duration_s * 1000))]))
    if tags.cover is not None:
        data = tags.cover.read_bytes() if isinstance(tags.cover, Path) else tags.cover
        id3.add(APIC(encoding=Encoding.LATIN1, mime=image_mime(data), type=PictureType.COVER_FRONT, desc="", data=data))
    ids = [f"chp{i}" for i in range(len(chapters))]
    for element_id, chapter in zip(ids, chapters, strict=True):
        id3.add(
            CHAP(
                element_id=element_id,
                start_time=round(chapter.start_s * 1000),
                end_time=round(chapter.end_s * 1000),
                start_offset=_NO_OFFSET,
                end_offset=_NO_OFFSET,
                sub_frames=[TIT2(encoding=text, text=[chapter.title])],
            )
        )
    if ids:
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=text, text=["Chapters"])],
            )
        )
    id3.save(str(path), v2_version=3)
