"""When each part of the article is heard: the narration's timeline.

Times are seconds from the start of the finished audio (intro, pauses and
resampling included); spans are character offsets into the article text
(`Document.text`), so a player can highlight exactly what is being read.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.document.model import BlockKind


@dataclass(frozen=True)
class Timed:
    """A stretch of the narration and the article text it reads."""

    start_s: float
    end_s: float
    src_start: int
    src_end: int


@dataclass(frozen=True)
class TimedBlock(Timed):
    """A block (title, heading, paragraph, quote or list item) as heard."""

    kind: BlockKind = "paragraph"


@dataclass(frozen=True)
class TimedSentence(Timed):
    """A sentence as heard, with its words in reading order."""

    words: tuple[Timed, ...] = ()


@dataclass(frozen=True)
class Timeline:
    """Everything heard in a narration, located in time and in the article text."""

    text: str
    duration_s: float
    blocks: tuple[TimedBlock, ...]
    sentences: tuple[TimedSentence, ...]

    @property
    def words(self) -> tuple[Timed, ...]:
        return tuple(w for s in self.sentences for w in s.words)

    def value(self, span: Timed) -> str:
        """The article text a span reads, as written."""
        return self.text[span.src_start : span.src_end]
