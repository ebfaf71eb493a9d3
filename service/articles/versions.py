"""An article's narration versions block by block: what each version said, what it re-read, what changed.

A narration's plan (narration_segments) names the segment heard at each position, and each
segment's spec holds the block's kind, text, voice and the lexicon entries it used; so every
version can be read back and compared without storing the text twice.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core.models import NarrationSegment, Segment


@dataclass(frozen=True)
class VersionBlock:
    """One position of a version: its block as spoken and whether this version synthesized it."""

    position: int
    key: str
    kind: str
    text: str
    voice: str
    lexicon: dict[str, str]
    cached: bool  # served by the segment cache: not synthesized for this version


@dataclass(frozen=True)
class BlockChange:
    """A difference between two versions: `before` and/or `after` (None: added or removed) and why."""

    before: VersionBlock | None
    after: VersionBlock | None

    @property
    def what(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        reasons = []
        if self.before.text != self.after.text:
            reasons.append("text")
        if self.before.voice != self.after.voice:
            reasons.append("voice")
        if self.before.lexicon != self.after.lexicon:
            reasons.append("pronunciation")
        return ", ".join(reasons) or "re-synthesized"


def version_blocks(session: Session, narration_id: str) -> list[VersionBlock]:
    """The blocks of a planned narration in the order they are heard (empty until a worker planned it)."""
    rows = session.execute(
        select(NarrationSegment, Segment)
        .join(Segment, Segment.key == NarrationSegment.segment_key)
        .where(NarrationSegment.narration_id == narration_id)
        .order_by(NarrationSegment.position)
    ).all()
    return [
        VersionBlock(
            position=plan.position,
            key=segment.key,
            kind=str(segment.spec.get("kind", "paragraph")),
            text=str(segment.spec.get("text", "")),
            voice=str(segment.spec.get("voice", segment.voice)),
            lexicon=dict(segment.spec.get("lexicon") or {}),
            cached=plan.cached,
        )
        for plan, segment in rows
    ]


def compare(before: list[VersionBlock], after: list[VersionBlock]) -> list[BlockChange]:
    """The blocks that differ from one version to the next, aligned by their segment keys."""
    matcher = difflib.SequenceMatcher(a=[b.key for b in before], b=[b.key for b in after], autojunk=False)
    changes: list[BlockChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, new = before[i1:i2], after[j1:j2]
        for k in range(max(len(old), len(new))):
            changes.append(BlockChange(old[k] if k < len(old) else None, new[k] if k < len(new) else None))
    return changes
