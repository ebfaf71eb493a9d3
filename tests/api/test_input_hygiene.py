"""Control, bidi-override and non-characters never reach stored data (service/core/hygiene.py)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from service.core.db import session_scope
from service.core.models import Article
from service.core.settings import Settings
from tests.api.test_feeds import FEED, narrate, parsed_feed


@pytest.fixture
def feed(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/feeds", json=FEED)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_title_with_a_control_character_is_stored_clean_and_the_feed_parses(
    client: TestClient, settings: Settings, feed: dict[str, Any]
) -> None:
    narrated = narrate(client, settings, "Bad \x01 title")
    article = client.get(f"/v1/articles/{narrated.article_id}").json()
    assert article["title"] == "Bad title"  # the control character gone, the spaces around it joined
    parsed, _ = parsed_feed(client)
    assert parsed.entries[0].title == "Bad title"


def test_a_feed_built_from_a_row_written_before_cleaning_still_parses(
    client: TestClient, settings: Settings, feed: dict[str, Any]
) -> None:
    narrated = narrate(client, settings, "Old row")
    with session_scope(settings.database_url) as session:
        session.execute(update(Article).where(Article.id == narrated.article_id).values(title="Old \x02\ufffe row"))
    parsed, _ = parsed_feed(client)
    assert parsed.entries[0].title == "Old  row"


@pytest.mark.parametrize("text", ["\x01\x02\x03", "\u202e\u202d\u202c", "\u2066\u2069 \x7f", "\ufffd\ufffd"])
def test_text_of_only_unwanted_characters_is_refused_as_empty(client: TestClient, text: str) -> None:
    response = client.post("/v1/articles", json={"text": text})
    assert response.status_code == 422
    assert response.json()["code"] == "empty_text"


def test_bidi_overrides_are_removed_from_the_narrated_text(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"text": "Pay \u202eregrettable\u202c now."})
    assert response.status_code == 202, response.text
    assert response.json()["text"] == "Pay regrettable now."


def test_feed_fields_are_cleaned(client: TestClient) -> None:
    response = client.post("/v1/feeds", json={**FEED, "title": "Daily\x00 \u202ePaper"})
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "Daily Paper"
    parsed_feed(client)


@pytest.mark.parametrize("term", ["\ufffd\ufffd", "x%01y", "\u202e"])
def test_a_lexicon_term_with_unwanted_characters_is_refused(client: TestClient, term: str) -> None:
    response = client.put(f"/v1/lexicon/entries/{term}", json={"alias": "something"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_lexicon_entry"
