"""Chapters: the title opens the first one, each heading opens the next.

They go into the MP3 as ID3 CHAP/CTOC frames (see workers/narration/tags.py) and
beside it as Podcasting 2.0 JSON chapters
(podcast-namespace docs/examples/chapters/jsonChapters.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from workers.narration.timings import Timeline

JSON_CHAPTERS_VERSION = "1.2.0"
UNTITLED = "Introduction"


@dataclass(frozen=True)
class Chapter:
    """A navigable part of the narration."""

    start_s: float
    end_s: float
    title: str


def chapters_of(timeline: Timeline) -> tuple[Chapter, ...]:
    """The narration's chapters; none when it has neither a title nor a heading.

    The first chapter starts at 0 (an intro belongs to it); a heading's chapter
    starts where the heading is spoken.
    """
    starts: list[tuple[float, str]] = []
    for index, block in enumerate(timeline.blocks):
        if block.kind not in ("title", "heading"):
            continue
        start = 0.0 if index == 0 else block.start_s
        if starts and start <= starts[-1][0]:  # two headings at one instant: keep the first
            continue
        starts.append((start, timeline.text[block.src_start : block.src_end].strip()))
    if not starts:
        return ()
    if starts[0][0] > 0.0:  # text before the first heading gets a chapter of its own
        starts.insert(0, (0.0, UNTITLED))
    ends = [s for s, _ in starts[1:]] + [timeline.duration_s]
    return tuple(Chapter(start, end, title) for (start, title), end in zip(starts, ends, strict=True))


def chapters_json(chapters: tuple[Chapter, ...]) -> str:
    """Podcasting 2.0 JSON chapters."""
    body = {
        "version": JSON_CHAPTERS_VERSION,
        "chapters": [{"startTime": round(c.start_s, 3), "title": c.title} for c in chapters],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
