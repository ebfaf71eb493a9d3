"""What a collection removes: the records nothing kept needs, and the files no remaining record names.

Read only: `plan` decides, service/articles/retention/removal.py deletes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core.models import (
    Article,
    Feed,
    Narration,
    NarrationFile,
    NarrationSegment,
    Segment,
    SegmentPart,
    VoiceSample,
    utcnow,
)

FINISHED = ("done", "failed")
COLLECTABLE_SEGMENT = ("done", "failed", "cancelled")  # never `pending`: a task may be about to make it


@dataclass(frozen=True)
class Policy:
    """How much to keep: the newest `retain_versions` narrations per article, and nothing younger than `grace_s`."""

    retain_versions: int
    grace_s: float


@dataclass(frozen=True)
class Doomed:
    """The records a collection removes, by primary key."""

    narrations: frozenset[str] = frozenset()
    segments: frozenset[str] = frozenset()
    parts: frozenset[str] = frozenset()
    samples: frozenset[tuple[str, str]] = frozenset()


def doomed_narrations(session: Session, retain_versions: int, cutoff: datetime) -> set[str]:
    """Finished narrations beyond each article's newest `retain_versions`, never current, finished before cutoff."""
    current = set(
        session.scalars(select(Article.current_narration_id).where(Article.current_narration_id.is_not(None)))
    )
    rows = session.execute(
        select(Narration.id, Narration.article_id, Narration.status, Narration.finished_at).order_by(
            Narration.article_id, Narration.version.desc()
        )
    )
    doomed: set[str] = set()
    seen: Counter[str] = Counter()
    for narration_id, article_id, status, finished_at in rows:
        seen[article_id] += 1
        if seen[article_id] <= retain_versions or narration_id in current or status not in FINISHED:
            continue
        if finished_at is not None and finished_at < cutoff:
            doomed.add(narration_id)
    return doomed


def doomed_segments(session: Session, narrations: Iterable[str], cutoff: datetime) -> set[str]:
    """Segments no plan of a kept narration names, not pending, last made and last used before cutoff."""
    gone = set(narrations)
    named = {
        key
        for narration_id, key in session.execute(select(NarrationSegment.narration_id, NarrationSegment.segment_key))
        if narration_id not in gone
    }
    rows = session.execute(
        select(Segment.key, Segment.finished_at, Segment.created_at, Segment.used_at).where(
            Segment.status.in_(COLLECTABLE_SEGMENT)
        )
    )
    return {
        key
        for key, finished, created, used in rows
        if key not in named and (finished or created) < cutoff and (used is None or used < cutoff)
    }


def doomed_samples(session: Session, catalog: set[tuple[str, str]], cutoff: datetime) -> set[tuple[str, str]]:
    """Samples of voice versions no longer in the catalog (a voice removed or its file changed)."""
    rows = session.execute(
        select(VoiceSample.voice_id, VoiceSample.fingerprint, VoiceSample.status, VoiceSample.requested_at)
    )
    return {
        (voice_id, fingerprint)
        for voice_id, fingerprint, status, requested in rows
        if (voice_id, fingerprint) not in catalog and status != "pending" and requested < cutoff
    }


def plan(session: Session, policy: Policy, catalog: set[tuple[str, str]], now: datetime | None = None) -> Doomed:
    """Which records a collection would remove now (read only)."""
    cutoff = (now or utcnow()) - timedelta(seconds=policy.grace_s)
    narrations = doomed_narrations(session, policy.retain_versions, cutoff)
    segments = doomed_segments(session, narrations, cutoff)
    parts = {
        key for key, segment in session.execute(select(SegmentPart.key, SegmentPart.segment_key)) if segment in segments
    }
    return Doomed(
        narrations=frozenset(narrations),
        segments=frozenset(segments),
        parts=frozenset(parts),
        samples=frozenset(doomed_samples(session, catalog, cutoff)),
    )


def referenced_files(session: Session, doomed: Doomed = Doomed()) -> set[str]:
    """Every storage key a record names, but for the records in `doomed`."""
    named: list[str | None] = []
    for narration_id, *files in session.execute(
        select(Narration.id, Narration.audio_key, Narration.captions_key, Narration.marks_key, Narration.chapters_key)
    ):
        if narration_id not in doomed.narrations:
            named.extend(files)
    for narration_id, key in session.execute(select(NarrationFile.narration_id, NarrationFile.key)):
        if narration_id not in doomed.narrations:  # its other formats live and go with the narration
            named.append(key)
    for segment, audio in session.execute(select(Segment.key, Segment.audio_key)):
        if segment not in doomed.segments:
            named.append(audio)
    for part, frames in session.execute(select(SegmentPart.key, SegmentPart.audio_key)):
        if part not in doomed.parts:
            named.append(frames)
    for assets in session.execute(select(Feed.intro_key, Feed.outro_key, Feed.cover_key)):
        named.extend(assets)
    for voice_id, fingerprint, audio in session.execute(
        select(VoiceSample.voice_id, VoiceSample.fingerprint, VoiceSample.audio_key)
    ):
        if (voice_id, fingerprint) not in doomed.samples:
            named.append(audio)
    return {key for key in named if key}
