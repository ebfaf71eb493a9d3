"""`narrator narrate`'s lanes (workers/narration/local.py): segments side by side, the same narration."""

from __future__ import annotations

from service.core.settings import Settings
from service.document.model import Block, Document
from workers.narration.local import LocalNarration, narrate_locally, share_cores

PARAGRAPHS = (
    "The library opens at nine, and the reading room at ten.",
    "Children read on Saturdays; their parents wait in the cafe.",
    "The cafe sells tea, coffee and small cakes.",
    "On Sundays the whole building stays closed.",
    "A new wing, with a hall for concerts, opens next year.",
)


def _narrated(settings: Settings, lanes: int) -> LocalNarration:
    document = Document(
        title="Town news",
        blocks=(Block("heading", "The library"), *(Block("paragraph", p) for p in PARAGRAPHS)),
    )
    return narrate_locally(document, ("text", "x"), settings, voice=settings.default_voice, lanes=lanes)


def test_segments_side_by_side_make_the_same_files_as_one_at_a_time(silent_settings: Settings) -> None:
    # The silent voice gives the same audio for the same text, so any difference is the lanes'.
    one, three = _narrated(silent_settings, 1), _narrated(silent_settings, 3)
    assert three.mp3 == one.mp3
    assert (three.captions_vtt, three.marks_json, three.chapters_json) == (
        one.captions_vtt,
        one.marks_json,
        one.chapters_json,
    )
    assert three.duration_s == one.duration_s > 10


def test_even_blocks_get_a_lane_per_core_each_synthesis_on_one_thread() -> None:
    lanes = share_cores([80, 500, 600, 550, 450], cores=4)
    assert (lanes.count, lanes.threads) == (3, 1)  # four lanes would leave the 600-character block alone at the end
    assert (share_cores([500] * 8, cores=2).count, share_cores([500] * 8, cores=2).threads) == (2, 1)


def test_a_title_and_one_paragraph_take_one_lane_with_every_core() -> None:
    lanes = share_cores([20, 700], cores=2)
    assert (lanes.count, lanes.threads) == (1, 2)


def test_synthesis_threads_set_by_the_operator_share_the_cores_out() -> None:
    lanes = share_cores([500] * 8, cores=8, threads=2)
    assert (lanes.count, lanes.threads) == (4, 2)
