"""Whether a stored file is private, remembered per key for a few seconds by this process.

An unsigned `/media/<key>` request is what every listener's player and podcast
app makes, again and again for the same files (one per byte range); asking the
database each time (service/articles/privacy.py `key_is_private`) costs a
connection, a thread hop and a query. The answer changes only when an article
or a feed changes privacy, or an article its feed: this process forgets every
answer when it commits such a change, and answers a lookup that began before
the change never stores. A change committed by another process (another API
worker, `narrator private`) is seen within the memo's time
(`NARRATOR_MEDIA_PRIVACY_MEMO_S`, 5 s by default).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import InstanceState, Session

from service.core.models import Article, Feed

SIZE = 10_000  # keys remembered at most (about 1 MB): a flood of made-up keys cannot grow it
CHANGED = "narrator.privacy_changed"  # in Session.info: this transaction changed who may fetch what


Key = tuple[str, str]  # (database URL, storage key): a process may serve several databases (tests do)


class PrivacyMemo:
    """Answers of `key_is_private` by database and key, each for `ttl_s`, at most `size` (the oldest go first)."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.generation = 0  # counts the times everything was forgotten
        self._answers: dict[Key, tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: Key, ttl_s: float) -> bool | None:
        """The answer remembered for `key` within the last `ttl_s` seconds; None: ask the database."""
        found = self._answers.get(key)
        if found is None or time.monotonic() - found[1] >= ttl_s:
            return None
        return found[0]

    def put(self, key: Key, private: bool, generation: int) -> None:
        """Remember an answer looked up while `generation` was current (dropped if everything was forgotten since)."""
        with self._lock:
            if generation != self.generation:
                return
            self._answers.pop(key, None)
            if len(self._answers) >= self.size:
                del self._answers[next(iter(self._answers))]
            self._answers[key] = (private, time.monotonic())

    def clear(self) -> None:
        """Forget every answer (a privacy change was committed)."""
        with self._lock:
            self.generation += 1
            self._answers.clear()


PRIVATE_FILES = PrivacyMemo()


def _changes_privacy(record: object) -> bool:
    if not isinstance(record, Article | Feed):
        return False
    state: InstanceState[Article | Feed] = inspect(record)
    attrs = state.attrs
    changed = attrs.private.history.has_changes()
    return changed or (isinstance(record, Article) and attrs.feed.history.has_changes())


@event.listens_for(Session, "after_flush")
def _note_privacy_changes(session: Session, _context: Any) -> None:
    # New records have no stored files yet, and a deleted one's files only turn public: neither needs forgetting.
    if any(_changes_privacy(record) for record in session.dirty):
        session.info[CHANGED] = True


@event.listens_for(Session, "after_commit")
def _forget_after_a_privacy_change(session: Session) -> None:
    if session.info.pop(CHANGED, False):
        PRIVATE_FILES.clear()


@event.listens_for(Session, "after_rollback")
def _drop_the_note(session: Session) -> None:
    session.info.pop(CHANGED, None)
