"""Speech marks: JSON that tells a player which words, sentences and paragraphs are heard when.

Each mark is {"time_ms", "type": "word" | "sentence" | "paragraph", "start",
"end", "value"}, with start/end as character offsets into the article text
and value the text there as written (the shape Amazon Polly's speech marks
made familiar, with the time named for its unit).
"""

from __future__ import annotations

import json
from typing import Any

from workers.narration.timings import Timed, Timeline

# At the same instant a paragraph opens before its sentence, and that before its word.
_ORDER = {"paragraph": 0, "sentence": 1, "word": 2}


def _mark(timeline: Timeline, kind: str, span: Timed) -> dict[str, Any]:
    return {
        "time_ms": round(span.start_s * 1000),
        "type": kind,
        "start": span.src_start,
        "end": span.src_end,
        "value": timeline.value(span),
    }


def marks(timeline: Timeline) -> list[dict[str, Any]]:
    """All marks of a narration in time order."""
    out = [_mark(timeline, "paragraph", b) for b in timeline.blocks]
    out += [_mark(timeline, "sentence", s) for s in timeline.sentences]
    out += [_mark(timeline, "word", w) for w in timeline.words]
    return sorted(out, key=lambda m: (m["time_ms"], _ORDER[m["type"]], m["start"]))


def marks_json(timeline: Timeline) -> str:
    """The marks as a JSON document."""
    return json.dumps(marks(timeline), ensure_ascii=False) + "\n"
