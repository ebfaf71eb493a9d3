"""An article's segments as a narration plans them: what the fan-out synthesizes and what an edit would re-read.

The worker's fan-out (workers/narration/fanout.py) and the console's edit preview both call
`article_specs`, so "N of M paragraphs will be re-read" counts exactly the segments a narration
of the edited text would not find in the cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from service.core.models import Article
from service.core.settings import Settings
from service.core.voices import catalog_dirs, get_voice
from service.document import lexicon
from service.document.model import Document
from service.segments import plan as segments
from service.segments.plan import SegmentSpec


def article_specs(
    session: Session,
    settings: Settings,
    article: Article,
    document: Document,
    voice_id: str,
    section_voices: Mapping[str, str] | None = None,
) -> list[tuple[str, SegmentSpec]]:
    """(key, spec) of each spoken block of `document` read by `voice_id`, with the article's lexicon and sections."""
    dirs = catalog_dirs(settings)
    voice = get_voice(dirs, voice_id)
    sections = article.section_voices if section_voices is None else section_voices
    return segments.specs_for(
        document.spoken_blocks(),  # blocks carry their own (SSML) pronunciations
        document.language or voice.language,
        voice,
        lexicon.pronunciations(
            session,
            article.feed,
            defaults=None if settings.default_lexicon else {},
            ipa=voice.engine == "piper",  # only Piper reads [[ phonemes ]]
            project=article.project_id,  # the project's own global lexicon
        ),
        section_voices=segments.section_voice_map(sections or {}, lambda other: get_voice(dirs, other)),
    )


@dataclass(frozen=True)
class Rereading:
    """How much of an article a narration would synthesize again: `reread` of its `total` blocks."""

    reread: int
    total: int
    narrates: bool  # False: nothing spoken changed, so no narration at all


def blocks_to_reread(session: Session, specs: list[tuple[str, SegmentSpec]]) -> int:
    """How many positions of a plan the segment cache cannot serve (as `plan_narration` counts them)."""
    states = segments.segment_states(session, [key for key, _ in specs])
    return sum(1 for key, _ in specs if key not in states or states[key].status != "done")
