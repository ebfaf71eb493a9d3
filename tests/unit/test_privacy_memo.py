"""The per-process memo of which /media files are private: bounded, timed, and never storing a stale answer."""

from __future__ import annotations

import time

from service.articles.privacy_memo import PrivacyMemo

DB = "sqlite:///memo.db"


def test_an_answer_lasts_its_time_and_no_longer() -> None:
    memo = PrivacyMemo()
    memo.put((DB, "a.mp3"), False, memo.generation)
    assert memo.get((DB, "a.mp3"), 60.0) is False
    assert memo.get((DB, "a.mp3"), 0.0) is None  # 0: never remembered
    time.sleep(0.05)
    assert memo.get((DB, "a.mp3"), 0.01) is None
    assert memo.get(("sqlite:///other.db", "a.mp3"), 60.0) is None  # another database's answer is its own


def test_made_up_keys_cannot_grow_it_past_its_size() -> None:
    memo = PrivacyMemo(size=3)
    for n in range(10):
        memo.put((DB, f"{n}.mp3"), False, memo.generation)
    assert [memo.get((DB, f"{n}.mp3"), 60.0) for n in range(10)] == [None] * 7 + [False] * 3  # the oldest went


def test_a_lookup_that_began_before_a_privacy_change_is_not_remembered() -> None:
    memo = PrivacyMemo()
    memo.put((DB, "a.mp3"), False, memo.generation)
    began = memo.generation  # a lookup starts, reads "public" ...
    memo.clear()  # ... while another request commits the article private
    memo.put((DB, "a.mp3"), False, began)
    assert memo.get((DB, "a.mp3"), 60.0) is None  # asked again: the database now says private
