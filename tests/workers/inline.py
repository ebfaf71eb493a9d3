"""The fan-out run at once in this process (unit tests only; the end-to-end tests use real worker processes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.core.settings import Settings
from workers.narration.fanout import start_narration
from workers.narration.local import LocalDispatch


@dataclass
class InlineDispatch(LocalDispatch):
    """`narrator narrate`'s dispatcher (each task run at once), remembering what ran."""

    synthesized: list[str] = field(default_factory=list)
    assembled: list[str] = field(default_factory=list)

    def synthesize(self, key: str, priority: str) -> None:
        self.synthesized.append(key)
        super().synthesize(key, priority)

    def assemble(self, narration_id: str, priority: str) -> None:
        self.assembled.append(narration_id)
        super().assemble(narration_id, priority)


def narrate_inline(narration_id: str, settings: Settings) -> str:
    """Run a narration's whole fan-out here; returns the narration's final status."""
    from service.articles import records
    from service.core.db import session_scope

    start_narration(narration_id, settings, InlineDispatch(settings))
    with session_scope(settings.database_url) as session:
        return records.get_narration(session, narration_id).status
