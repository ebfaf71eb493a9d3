"""The one rule for the silence between two spoken blocks.

Every place that puts blocks one after another asks this module how long to
pause: the final file (workers/narration/render.py, joined from encoded
parts), the review's PCM (workers/narration/layout.py), the live stream of a
running narration (service/api/routes/live.py) and direct synthesis
(service/api/routes/speech.py). So the live stream is timed like the file it
previews.

The rule, for the pause after a block:
- after the last block: none (nothing follows to be separated from);
- an SSML `<break>` after the block (`Block.pause_after_ms`) is heard as
  written, whatever the blocks around it (0 included: `strength="none"`);
- else the voice's pause by structure: `heading_ms` when either side is the
  title or a heading, `paragraph_ms` otherwise.

The pause between sentences inside a block (`sentence_ms`) belongs to the
block's own audio (the segment), not to this rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.core.voices import Pauses
from service.document.model import Block

# Blocks that set a section apart: the pause on either side of one is the longer heading pause.
SECTION_KINDS = frozenset({"title", "heading"})


def pause_after(pauses: Pauses, kind: str, next_kind: str | None, pause_after_ms: int | None = None) -> int:
    """Milliseconds of silence after a block of `kind` followed by one of `next_kind` (None: the last block).

    `pause_after_ms` is the block's SSML `<break>`; None keeps the voice's pause by structure.
    """
    if next_kind is None:
        return 0
    if pause_after_ms is not None:
        return pause_after_ms
    if kind in SECTION_KINDS or next_kind in SECTION_KINDS:
        return pauses.heading_ms
    return pauses.paragraph_ms


def pauses_after(pauses: Pauses, blocks: Sequence[Block]) -> list[int]:
    """The pause after each spoken block, in order (0 after the last): what every joiner uses."""
    return [
        pause_after(pauses, block.kind, blocks[i + 1].kind if i + 1 < len(blocks) else None, block.pause_after_ms)
        for i, block in enumerate(blocks)
    ]
