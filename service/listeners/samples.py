"""Voice samples: each voice's sample text, narrated once and kept.

The API never synthesizes: it looks a sample up here and, when there is none,
records a request with the `narrator.voice_sample` task in the outbox (so a
broker outage delays a sample, never loses it). The worker narrates it into
content-addressed storage and records the key here.

A sample is keyed by (voice id, voice fingerprint): editing a voice file (its
sample text, parameters or reference clip) makes a new sample; the old row is
simply never asked for again. The table is tiny (one row per voice version).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.core import outbox
from service.core.db import engine_for
from service.core.models import VoiceSample, utcnow
from service.core.queue import DEFAULT_QUEUE
from service.core.voices import Voice
from service.document.model import Block, Document

VOICE_SAMPLE_TASK = "narrator.voice_sample"

# A request not answered by then is sent again (its message may have been lost,
# or every worker was busy); a failure is retried after the same wait.
RETRY_AFTER = timedelta(minutes=2)


def ensure_sample_table(database_url: str) -> None:
    """The table is in place once the schema is: the migrations make it (service/core/migrations)."""
    engine_for(database_url)


def sample_document(voice: Voice) -> Document:
    """The document a voice's sample narrates: its sample text as one paragraph."""
    return Document(title=None, blocks=(Block("paragraph", voice.sample_text.strip()),), language=voice.language)


def find_sample(session: Session, voice: Voice) -> VoiceSample | None:
    """The sample row of this version of `voice`, if any."""
    return session.get(VoiceSample, (voice.id, voice.fingerprint))


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone=True columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def retry_due(row: VoiceSample, now: datetime | None = None) -> bool:
    """True when a pending request is old enough to send again, or a failure old enough to retry."""
    since = row.finished_at if row.status == "failed" and row.finished_at else row.requested_at
    return (now or utcnow()) - _aware(since) >= RETRY_AFTER


def request_sample(session: Session, voice: Voice, now: datetime | None = None) -> int | None:
    """Record that `voice`'s sample is wanted, with its task in the outbox; the dispatch to publish, if any.

    The request and its dispatch are committed together (service/core/outbox.py):
    a broker that is down delays the sample, it never loses the request. None
    when a request is already outstanding (or a failure is recent), so polling
    clients do not flood the queue. Commits.
    """
    now = now or utcnow()
    row = find_sample(session, voice)
    if row is None:
        session.add(VoiceSample(voice_id=voice.id, fingerprint=voice.fingerprint, status="pending", requested_at=now))
    elif row.status == "done":
        # Recorded but its file is gone (storage was cleaned): make it again.
        row.status, row.audio_key, row.requested_at = "pending", None, now
    elif retry_due(row, now):
        row.status, row.error_code, row.error_message, row.requested_at = "pending", None, None, now
    else:
        return None
    dispatch = outbox.add(session, VOICE_SAMPLE_TASK, [voice.id], DEFAULT_QUEUE)
    try:
        session.commit()
    except IntegrityError:
        # Another request inserted it first; that one dispatches.
        session.rollback()
        return None
    return dispatch.id


def record_sample(session: Session, voice: Voice, audio_key: str) -> None:
    """Store the finished sample's key (insert or update; idempotent)."""
    row = find_sample(session, voice) or VoiceSample(voice_id=voice.id, fingerprint=voice.fingerprint)
    row.status, row.audio_key, row.error_code, row.error_message = "done", audio_key, None, None
    row.finished_at = utcnow()
    session.merge(row)


def record_failure(session: Session, voice: Voice, code: str, message: str) -> None:
    """Store why the sample could not be made; the API reports it until the retry wait passes."""
    row = find_sample(session, voice) or VoiceSample(voice_id=voice.id, fingerprint=voice.fingerprint)
    row.status, row.audio_key, row.error_code, row.error_message = "failed", None, code, message[:2000]
    row.finished_at = utcnow()
    if row.requested_at is None:
        row.requested_at = utcnow()
    session.merge(row)


def done_sample_key(session: Session, voice: Voice) -> str | None:
    """The storage key of the finished sample, if there is one."""
    key = session.scalar(
        select(VoiceSample.audio_key).where(
            VoiceSample.voice_id == voice.id, VoiceSample.fingerprint == voice.fingerprint, VoiceSample.status == "done"
        )
    )
    return key
