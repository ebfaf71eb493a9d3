"""Direct synthesis of a text, streamed as workers make its paragraphs: POST /v1/audio/speech and the
console's pronunciation preview.

The text goes through the segment cache like an article's blocks (so a repeated request is
instant), missing segments are queued to any worker, and the stream encodes each segment with
the pause after it as soon as it is cached (service/listeners/live.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

from sqlalchemy.orm import Session

from service.audio.stream import StreamEncoder
from service.core.errors import EmptyText, QueueUnavailable
from service.core.queue import NarrationQueue
from service.core.settings import Settings
from service.core.storage import Storage
from service.core.voices import Voice
from service.document.plain import document_from_text
from service.listeners.live import Piece, stream_pieces
from service.segments import plan as segments
from service.segments.pauses import pauses_after


def speak(
    session: Session,
    queue: NarrationQueue,
    settings: Settings,
    storage: Storage,
    text: str,
    voice: Voice,
    pronunciations: Mapping[str, str],
    encoder: StreamEncoder,
    *,
    speed: float = 1.0,
) -> AsyncIterator[bytes]:
    """Queue what the cache lacks and return the audio stream (QueueUnavailable when it cannot be queued)."""
    if not text.strip():
        raise EmptyText("there is no text to speak")
    document = document_from_text(text)
    blocks = [(b.kind, b.text) for b in document.spoken_blocks()]
    specs = segments.specs_for(blocks, voice.language, voice, dict(pronunciations), speed=speed)
    needed = segments.request_segments(session, specs)
    session.commit()
    try:
        for key in needed:
            queue.enqueue_segment(key, "now")
    except Exception as exc:
        for key in needed:
            segments.fail_segment(session, key, QueueUnavailable.code, str(exc))
        session.commit()
        raise QueueUnavailable("The synthesis could not be queued; retry later") from exc
    pauses = pauses_after(voice.pauses, document.spoken_blocks())
    plan = [Piece(key, pause) for (key, _), pause in zip(specs, pauses, strict=True)]
    return stream_pieces(settings, storage, lambda: plan, encoder, timeout_s=settings.task_time_limit_s)
