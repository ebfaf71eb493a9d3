"""A fake dispatcher that runs fanned-out work at once, in this process (unit tests only;
the end-to-end tests use real worker processes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.core.settings import Settings
from workers.narration.fanout import (
    assemble_narration,
    start_narration,
    synthesize_segment,
)


@dataclass
class InlineDispatch:
    """Runs each dispatched task immediately and remembers what ran."""

    settings: Settings
    synthesized: list[str] = field(default_factory=list)
    assembled: list[str] = field(default_factory=list)

    def synthesize(self, key: str, priority: str) -> None:
        self.synthesized.append(key)
        synthesize_segment(key, self.settings, self)

    def assemble(self, narration_id: str, priority: str) -> None:
        self.assembled.append(narration_id)
        assemble_narration(narration_id, self.settings)


def narrate_inline(narration_id: str, settings: Settings) -> str:
    """Run a narration's whole fan-out here; returns the narration's final status."""
    from service.articles import records
    from service.core.db import session_scope

    start_narration(narration_id, settings, InlineDispatch(settings))
    with session_scope(settings.database_url) as session:
        return records.get_narration(session, narration_id).status
