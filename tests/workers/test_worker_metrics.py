"""What the fan-out counts, in-process with the real voice (a real worker process: tests/e2e/test_observability.py)."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import REGISTRY

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from service.document.model import Block, Document
from tests.e2e.conftest import voices_with_a_broken_one
from tests.workers.inline import narrate_inline

VOICE = "en_US-joe-medium"
DOC = Document(
    title="Counted",
    blocks=(Block("paragraph", "The first paragraph is read."), Block("paragraph", "And then the second one.")),
)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def queued(settings: Settings, voice: str = VOICE) -> str:
    with session_scope(settings.database_url) as session:
        _, narration = records.create_article(session, document=DOC, source_kind="text", source="x", voice=voice)
        return narration.id


def test_a_narration_counts_its_segments_synthesis_cache_and_assembly(settings: Settings) -> None:
    names = {
        "done": ("narrator_narrations_finished_total", {"voice": VOICE, "status": "done"}),
        "synthesized": ("narrator_segment_synthesis_seconds_count", {"voice": VOICE}),
        "synthesis_s": ("narrator_segment_synthesis_seconds_sum", {"voice": VOICE}),
        "audio_s": ("narrator_segment_audio_seconds_total", {"voice": VOICE}),
        "rtf": ("narrator_segment_real_time_factor_count", {"voice": VOICE}),
        "hits": ("narrator_segment_cache_hits_total", {}),
        "misses": ("narrator_segment_cache_misses_total", {}),
        "assembled": ("narrator_assembly_seconds_count", {}),
    }

    def snapshot() -> dict[str, float]:
        return {key: sample(name, **labels) for key, (name, labels) in names.items()}

    before = snapshot()
    assert narrate_inline(queued(settings), settings) == "done"
    first = {key: value - before[key] for key, value in snapshot().items()}
    assert first["done"] == 1 and first["assembled"] == 1
    assert first["synthesized"] == first["rtf"] == first["misses"] == 3  # the title and two paragraphs
    assert first["hits"] == 0
    assert first["synthesis_s"] > 0 and first["audio_s"] > 1.0

    # The same text again: every segment from the cache, nothing synthesized.
    assert narrate_inline(queued(settings), settings) == "done"
    second = {key: value - before[key] - first[key] for key, value in snapshot().items()}
    assert (second["hits"], second["misses"], second["synthesized"], second["done"]) == (3, 0, 0, 1)


def test_a_narration_whose_segments_all_fail_is_counted_failed_once(settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"voices_dir": voices_with_a_broken_one(tmp_path / "voices")})
    failed = ("narrator_narrations_finished_total", {"voice": "broken", "status": "failed"})
    code = ("narrator_narration_failures_total", {"code": "voice_unavailable"})
    before = sample(failed[0], **failed[1]), sample(code[0], **code[1])
    narration_id = queued(settings, voice="broken")
    assert narrate_inline(narration_id, settings) == "failed"
    with session_scope(settings.database_url) as session:
        error_code = records.get_narration(session, narration_id).error_code
    assert error_code == "voice_unavailable"
    # Three segments failed; the narration they failed is counted once, with its code.
    assert sample(failed[0], **failed[1]) - before[0] == 1
    assert sample(code[0], **code[1]) - before[1] == 1
