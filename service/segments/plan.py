"""The segment cache and narration plans: which blocks a narration needs, which are already made.

A narration is split into segments, one per spoken block. Each segment is
keyed by everything that shapes its sound, so an edit, a lexicon change or a
new voice only invalidates the blocks it really touches. Workers synthesize
missing segments in parallel; the last one to finish hands the narration to
the assemble step (fan-in through the database, so it needs no result
backend and survives a worker dying: unacknowledged tasks are redelivered).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.core.models import (
    Narration,
    NarrationSegment,
    Segment,
    SegmentPart,
    utcnow,
)
from service.core.voices import Voice
from service.document.model import Block, BlockKind

# Bump when the way a block becomes audio changes (normalizer, joins, engine
# adapter), so old cache entries are no longer reused.
SEGMENT_FORMAT = 1


@dataclass(frozen=True)
class SegmentSpec:
    """What to synthesize for one spoken block (everything the worker needs, nothing else)."""

    kind: BlockKind
    text: str
    language: str
    voice: str
    lexicon: dict[str, str] = field(default_factory=dict)  # only the entries this block uses
    speed: float = 1.0  # speaking rate (OpenAI-compatible `speed`); scales the voice's length

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SegmentSpec:
        return cls(**data)


def segment_key(spec: SegmentSpec, voice: Voice) -> str:
    """The cache key of a block: engine, voice, its parameters and model, the block and its lexicon."""
    identity = {
        "format": SEGMENT_FORMAT,
        "engine": voice.engine,
        "voice": voice.id,
        "model": voice.model.model_dump(mode="json"),
        "params": voice.params,
        "speaker": voice.speaker,
        "reference": voice.reference_digest,
        "sentence_ms": voice.pauses.sentence_ms,
        "spec": spec.to_json(),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Plan:
    """A narration's segments: all of them in order, and those that must be synthesized."""

    keys: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def cached(self) -> int:
        return len(self.keys) - len(self.missing)


def plan_narration(
    session: Session, narration: Narration, specs: list[tuple[str, SegmentSpec]], *, bypass_cache: bool
) -> Plan:
    """Record which segment each position needs; create pending segments for what is not cached.

    Idempotent: planning a narration again (a redelivered task) replaces its plan.
    """
    session.query(NarrationSegment).filter(NarrationSegment.narration_id == narration.id).delete()
    missing: list[str] = []
    keys: list[str] = []
    for position, (key, spec) in enumerate(specs):
        keys.append(key)
        # A key-share lock (PostgreSQL; SQLite's writer lock is already held): the garbage collector
        # (service/articles/retention/) cannot delete a segment between this read and the plan row below.
        segment = session.get(Segment, key, with_for_update={"key_share": True})
        if segment is None:
            insert_segment(session, key, spec)  # the plan row below refers to it
            segment = session.get(Segment, key, with_for_update={"key_share": True}, populate_existing=True)
            assert segment is not None
        cached = segment.status == "done" and not bypass_cache
        if not cached and key not in missing:
            if segment.status != "pending" or bypass_cache:
                segment.status, segment.error_code, segment.error_message = "pending", None, None
            missing.append(key)
        session.add(NarrationSegment(narration_id=narration.id, position=position, segment_key=key, cached=cached))
    narration.segments_total = len(keys)
    narration.segments_cached = sum(1 for k in keys if k not in missing)
    narration.segments_synthesized = 0
    session.flush()
    return Plan(tuple(keys), tuple(missing))


def get_segment(session: Session, key: str) -> Segment | None:
    return session.get(Segment, key)


def complete_segment(
    session: Session, key: str, *, audio_key: str, timings: dict[str, Any], sample_rate: int, samples: int
) -> None:
    """Store a synthesized segment's audio and timings."""
    segment = session.get(Segment, key)
    assert segment is not None
    segment.status = "done"
    segment.audio_key, segment.timings = audio_key, timings
    segment.sample_rate, segment.samples = sample_rate, samples
    segment.synthesized_count += 1
    segment.finished_at = utcnow()
    segment.error_code = segment.error_message = None


def get_part(session: Session, key: str) -> SegmentPart | None:
    """An encoded part of a segment, if one was made for this output format."""
    return session.get(SegmentPart, key)


def save_part(session: Session, part: SegmentPart) -> None:
    """Remember an encoded part (two workers making the same one store the same frames: the first stays)."""
    if session.get(SegmentPart, part.key) is None:
        session.add(part)


def fail_segment(session: Session, key: str, code: str, message: str) -> None:
    segment = session.get(Segment, key)
    if segment is not None:
        segment.status, segment.error_code, segment.error_message = "failed", code, message[:2000]


def waiting_narrations(session: Session, key: str) -> list[str]:
    """Running narrations whose plan includes segment `key`."""
    return list(
        session.scalars(
            select(Narration.id)
            .join(NarrationSegment, NarrationSegment.narration_id == Narration.id)
            .where(NarrationSegment.segment_key == key, Narration.status == "running")
            .distinct()
        )
    )


def progress(session: Session, narration_id: str) -> tuple[int, int]:
    """(segments done, segments in the plan) of a narration."""
    rows = session.execute(
        select(Segment.status, func.count())
        .join(NarrationSegment, NarrationSegment.segment_key == Segment.key)
        .where(NarrationSegment.narration_id == narration_id)
        .group_by(Segment.status)
    ).all()
    counts = dict(rows)
    return counts.get("done", 0), sum(counts.values())


def planned_segments(session: Session, narration_id: str) -> list[Segment]:
    """The narration's segments in the order they are heard."""
    return list(
        session.scalars(
            select(Segment)
            .join(NarrationSegment, NarrationSegment.segment_key == Segment.key)
            .where(NarrationSegment.narration_id == narration_id)
            .order_by(NarrationSegment.position)
        )
    )


def block_lexicon(text: str, pronunciations: dict[str, str]) -> dict[str, str]:
    """The lexicon entries a block's text uses (so other entries do not change its key)."""
    from service.document.lexicon import term_pattern

    return {term: spoken for term, spoken in pronunciations.items() if term_pattern(term).search(text)}


def specs_for(
    blocks: Sequence[Block | tuple[BlockKind, str]],
    language: str,
    voice: Voice,
    pronunciations: dict[str, str],
    *,
    speed: float = 1.0,
    section_voices: Mapping[str, Voice] | None = None,
) -> list[tuple[str, SegmentSpec]]:
    """(key, spec) for each spoken block, given as a `Block` or (kind, text).

    A Block's own lexicon (SSML pronunciations) is merged over `pronunciations`,
    so it wins and is part of the cache key. `section_voices` maps a block kind
    (title, heading, quote) to the voice that reads it instead of `voice`.
    """
    specs = []
    for block in blocks:
        kind, text, own = (block.kind, block.text, block.lexicon) if isinstance(block, Block) else (*block, ())
        reader = (section_voices or {}).get(kind, voice)
        spec = SegmentSpec(
            kind=kind,
            text=text,
            language=language,
            voice=reader.id,
            lexicon={**block_lexicon(text, pronunciations), **dict(own)},
            speed=speed,
        )
        specs.append((segment_key(spec, reader), spec))
    return specs


SECTION_KINDS = {"heading": ("title", "heading"), "quote": ("quote",)}


def section_voice_map(section_voices: Mapping[str, str], resolve: Callable[[str], Voice]) -> dict[str, Voice]:
    """Block kind -> voice from an article's section voices ({"heading": id, "quote": id})."""
    return {kind: resolve(voice_id) for section, voice_id in section_voices.items() for kind in SECTION_KINDS[section]}


def insert_segment(session: Session, key: str, spec: SegmentSpec) -> bool:
    """Insert the segment's row, pending; False when another transaction inserted the same key first.

    Two articles planned at once on two workers can share a block: both read no row, and the second
    insert waits for the first to commit. ON CONFLICT DO NOTHING makes that the row to use instead of
    a unique-key error that would fail the second narration.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Segment.__table__).values(
        key=key, voice=spec.voice, spec=spec.to_json(), status="pending"
    )
    inserted = statement.on_conflict_do_nothing(index_elements=["key"]).returning(Segment.__table__.c.key)
    return session.execute(inserted).first() is not None


def request_segments(session: Session, specs: list[tuple[str, SegmentSpec]]) -> list[str]:
    """Make sure each segment exists; returns the keys that must be synthesized (not done, not pending).

    For callers without a narration (direct synthesis): a pending segment is
    already on its way, so it is not requested twice. A done one is marked used
    now, so garbage collection leaves it for its grace period although no plan
    names it (service/articles/retention/).
    """
    # One statement marks and finds the done ones. A collection deleting one at this moment either sees it
    # used (the deletion re-checks `used_at`) or deleted it first: then it is no longer done here, it is
    # inserted anew below and synthesized again (on PostgreSQL this update waits for the deletion's lock).
    marked = update(Segment).where(Segment.key.in_({key for key, _ in specs}), Segment.status == "done")
    done = set(session.scalars(marked.values(used_at=utcnow()).returning(Segment.key)))
    needed: list[str] = []
    for key, spec in specs:
        if key in done:
            continue
        segment = session.get(Segment, key)
        if segment is None:
            if insert_segment(session, key, spec):
                needed.append(key)
        elif segment.status in ("failed", "cancelled"):
            segment.status, segment.error_code, segment.error_message = "pending", None, None
            needed.append(key)
    return list(dict.fromkeys(needed))


def segment_states(session: Session, keys: list[str]) -> dict[str, Segment]:
    """The current rows of these segments, by key."""
    rows = session.scalars(select(Segment).where(Segment.key.in_(set(keys))))
    return {s.key: s for s in rows}
