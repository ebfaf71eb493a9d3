"""The record layer on SQLite and on PostgreSQL (the server on this machine)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service.articles import records
from service.core.db import create_schema, make_engine, release_engine
from service.core.errors import NotFound
from service.document.model import Block, Document

POSTGRES_ADMIN_URL = os.environ.get(
    "NARRATOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this module, dropped afterwards."""
    name = f"narrator_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        if os.environ.get("NARRATOR_REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    release_engine(url)  # the engine the records kept for it
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    url = (
        f"sqlite:///{tmp_path / 'records.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    )
    engine = make_engine(url)
    create_schema(engine)
    with sessionmaker(bind=engine, expire_on_commit=False)() as s:
        yield s
    if request.param == "postgres":
        from service.core.models import Base

        Base.metadata.drop_all(engine)
    engine.dispose()


DOC = Document(title="Headline", blocks=(Block("paragraph", "First paragraph."), Block("quote", "A quote.")))


def _article(session: Session, **kw: object) -> tuple:
    return records.create_article(session, document=DOC, source_kind="text", source="...", voice="v", **kw)  # type: ignore[arg-type]


def test_a_new_article_has_a_queued_first_narration(session: Session) -> None:
    article, narration = _article(session)
    session.commit()
    assert narration.status == "queued" and narration.version == 1 and narration.article_id == article.id
    assert article.current_narration_id is None


def test_the_document_round_trips_through_the_record(session: Session) -> None:
    article, _ = _article(session)
    session.commit()
    assert records.document_of(records.get_article(session, article.id)).text == DOC.text


def test_finishing_a_narration_makes_it_current(session: Session) -> None:
    article, narration = _article(session)
    records.start_narration(session, narration.id)
    records.finish_narration(session, narration.id, records.FinishedAudio("a" * 64, "a" * 64 + ".mp3", 10, 1.5))
    session.commit()
    assert records.get_article(session, article.id).current_narration_id == narration.id
    assert records.get_narration(session, narration.id).progress == 1.0


def test_an_older_version_finishing_late_does_not_replace_a_newer_one(session: Session) -> None:
    article, first = _article(session)
    second = records.add_narration(session, article, voice="v")
    records.finish_narration(session, second.id, records.FinishedAudio("b" * 64, "b" * 64 + ".mp3", 10, 1.0))
    records.finish_narration(session, first.id, records.FinishedAudio("a" * 64, "a" * 64 + ".mp3", 10, 1.0))
    session.commit()
    assert records.get_article(session, article.id).current_narration_id == second.id


def test_starting_a_finished_narration_again_is_a_no_op(session: Session) -> None:
    _, narration = _article(session)
    records.finish_narration(session, narration.id, records.FinishedAudio("a" * 64, "a" * 64 + ".mp3", 10, 1.0))
    assert records.start_narration(session, narration.id) is None


def test_a_failure_keeps_its_code_and_message(session: Session) -> None:
    _, narration = _article(session)
    records.fail_narration(session, narration.id, "synthesis_failed", "boom")
    session.commit()
    stored = records.get_narration(session, narration.id)
    assert (stored.status, stored.error_code, stored.error_message) == ("failed", "synthesis_failed", "boom")


def test_external_ids_are_unique_per_feed(session: Session) -> None:
    _article(session, feed="news", external_id="42")
    _article(session, feed="sport", external_id="42")
    session.commit()
    with pytest.raises(IntegrityError):
        _article(session, feed="news", external_id="42")
        session.flush()


def test_unknown_ids_raise_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        records.get_article(session, "nope")
    with pytest.raises(NotFound):
        records.get_narration(session, "nope")
