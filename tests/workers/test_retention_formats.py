"""Retention and a narration's other formats: an old version's Opus and AAC go with it, a kept one's stay.

The fan-out runs inline with the silent test voice, as in tests/workers/test_retention.py
(whose settings fixture, on local storage and on S3 with PostgreSQL, is reused).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.articles import records
from service.core.db import session_scope
from service.core.models import NarrationFile
from service.core.settings import Settings
from service.core.storage import storage_for
from tests.unit.test_migrations import new_postgres  # noqa: F401 - fixture
from tests.workers.inline import narrate_inline
from tests.workers.test_retention import (
    PARAGRAPHS,
    document,
    files_of_kept_work_after,
    new_version,
    settings,  # noqa: F401 - the fixture, parametrized by backend
)
from workers.maintenance import collect_once


def narrated_four_times(settings: Settings) -> tuple[str, dict[str, set[str]]]:  # noqa: F811
    """An article in Opus and AAC narrated, then edited and narrated three more times; its files by narration."""
    with session_scope(settings.database_url) as session:
        article, narration = records.create_article(
            session,
            document=document(*PARAGRAPHS),
            source_kind="text",
            source="x",
            voice=settings.default_voice,
            formats=["opus", "aac", "mp3"],
        )
        article_id, ids = article.id, [narration.id]
    assert narrate_inline(ids[0], settings) == "done"
    for n in range(3):
        ids.append(new_version(settings, article_id, document(f"The council met {n + 2} times.", *PARAGRAPHS[1:])))
        assert narrate_inline(ids[-1], settings) == "done"
    with session_scope(settings.database_url) as session:
        files = {i: {f.key for f in records.get_narration(session, i).files} for i in ids}
    assert all(len(keys) == 2 for keys in files.values())
    return article_id, files


@pytest.mark.parametrize("settings", ["local", "s3+postgres"], indirect=True)
def test_old_versions_other_formats_are_collected_and_kept_ones_stay(settings: Settings) -> None:  # noqa: F811
    _, files = narrated_four_times(settings)
    storage = storage_for(settings)
    expected = files_of_kept_work_after(settings, keep=2)
    report = collect_once(settings)
    *old, before_last, last = files.values()
    assert set(storage.keys()) == expected
    assert before_last | last <= expected
    assert not any(storage.exists(key) for keys in old for key in keys)
    assert report.files["opus"] == report.files["m4a"] == 2
    with session_scope(settings.database_url) as session:
        assert set(session.scalars(select(NarrationFile.key))) == before_last | last  # the rows went with them
