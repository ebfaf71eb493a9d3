"""The formats a narration can be published in: MP3 always, Opus and AAC when an article asks for them.

The MP3 is what podcast feeds and ID3 chapters need, so it is always made
(frame-joined parts, service/audio/parts.py). The others are smaller files for
web and mobile players, encoded from the same mastered audio on the MP3's
timeline (workers/narration/formats.py):

- `opus`: Opus in Ogg (`.opus`, RFC 7845), 32 kbps mono at 48 kHz, what Opus
  runs at. Speech at 32 kbps is about what MP3 gives at 64; every current
  browser but old Safari plays it.
- `aac`: AAC-LC in MP4 (`.m4a`), 48 kbps mono at the narration's rate, with
  the index in front (`+faststart`) so a player starts before the download
  ends. The MP4's edit list hides the encoder's priming, so it decodes to the
  narration's length (ADTS, as /v1/audio/speech sends, cannot).

One table for every place that names a format: the API's validation, the
storage extension, the Content-Type /media serves and the player's <source>.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from service.audio.codecs import Codec


@dataclass(frozen=True)
class NarrationFormat:
    """A published format: its name in the API, its storage extension and media type, and how it is encoded."""

    name: str
    extension: str
    media_type: str
    codec: Codec | None  # None: the MP3, joined from parts rather than encoded here
    codecs: str = ""  # RFC 6381, as a podcast:alternateEnclosure names it: opus, mp4a.40.2 (AAC-LC)
    title: str = ""  # what a podcast app shows when it offers the choice


MP3 = NarrationFormat("mp3", "mp3", "audio/mpeg", None, "mp3", "MP3")
OPUS = NarrationFormat(
    "opus",
    "opus",
    "audio/ogg; codecs=opus",
    Codec("audio/ogg; codecs=opus", "ogg", "libopus", "flt", 48000, 32000),
    "opus",
    "Opus",
)
AAC = NarrationFormat(
    "aac",
    "m4a",
    "audio/mp4",
    Codec("audio/mp4", "ipod", "aac", "fltp", None, 48000, options=(("movflags", "+faststart"),)),
    "mp4a.40.2",
    "AAC",
)

FORMATS = {f.name: f for f in (MP3, OPUS, AAC)}
# The names as a type: the API's schema documents them as an enum.
FormatName = Literal["mp3", "opus", "aac"]
assert set(get_args(FormatName)) == FORMATS.keys(), "FormatName names every format"
# What a player should try first: the smallest file a browser plays, the MP3 last (every browser plays it).
PREFERENCE = ("opus", "aac", "mp3")


def normalized_formats(names: list[str] | tuple[str, ...] | None) -> list[str]:
    """The formats to make, in preference order, the MP3 always among them; ValueError for an unknown name."""
    unknown = sorted(set(names or ()) - FORMATS.keys())
    if unknown:
        raise ValueError(f"unknown format {', '.join(map(repr, unknown))} (one of {', '.join(FORMATS)})")
    wanted = {*(names or ()), MP3.name}
    return [name for name in PREFERENCE if name in wanted]


def extra_formats(names: list[str] | tuple[str, ...]) -> list[NarrationFormat]:
    """The formats besides the MP3 that `names` asks for (each encoded after the MP3 is joined)."""
    return [FORMATS[name] for name in normalized_formats(names) if FORMATS[name].codec is not None]
