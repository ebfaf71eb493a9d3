"""POST /v1/articles with an `ssml` body: the written text is the article text; malformed SSML is a 400."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.articles import records
from service.core.db import session_scope
from service.core.settings import Settings
from tests.api.conftest import RecordingQueue

PROBLEM = "application/problem+json"
SSML = (
    '<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis">'
    '<p>The <sub alias="World Wide Web Consortium">W3C</sub> met at '
    '<say-as interpret-as="time">1530</say-as>.</p>'
    '<break time="2s"/>'
    '<p><prosody rate="slow">Slowly</prosody> said.</p>'
    "</speak>"
)


def test_valid_ssml_is_accepted_with_the_written_text(client: TestClient, queue: RecordingQueue) -> None:
    response = client.post("/v1/articles", json={"title": "Standards", "ssml": SSML})
    assert response.status_code == 202
    body = response.json()
    assert body["source_kind"] == "ssml"
    assert body["text"] == "Standards\n\nThe W3C met at 1530.\n\nSlowly said."
    assert queue.enqueued == [body["latest_narration"]["id"]]


def test_ssml_pronunciations_and_pauses_are_stored_with_the_article(client: TestClient, settings: Settings) -> None:
    article_id = client.post("/v1/articles", json={"ssml": SSML}).json()["id"]
    with session_scope(settings.database_url) as session:
        blocks = records.document_of(records.get_article(session, article_id)).blocks
    assert dict(blocks[0].lexicon) == {"W3C": "World Wide Web Consortium", "1530": "fifteen thirty"}
    assert blocks[0].pause_after_ms == 2000


def test_malformed_ssml_is_400_with_the_position(client: TestClient, queue: RecordingQueue) -> None:
    response = client.post("/v1/articles", json={"ssml": "<speak>\n<p>Unclosed <emphasis>text</p>\n</speak>"})
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "malformed_ssml"
    assert (problem["line"], problem["column"]) == (2, 31)  # just past the offending </p>
    assert problem["reason"] == "Opening and ending tag mismatch: emphasis line 2 and p"
    assert "line 2, column 31" in problem["detail"]
    assert queue.enqueued == []


def test_a_doctype_is_400_malformed_ssml(client: TestClient) -> None:
    response = client.post(
        "/v1/articles", json={"ssml": '<!DOCTYPE speak [<!ENTITY a "aaaa">]>\n<speak>&a;&a;</speak>'}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_ssml"
    assert (response.json()["line"], response.json()["column"]) == (1, 1)


def test_ssml_and_text_together_are_refused(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"text": "Hi.", "ssml": "<speak>Hi.</speak>"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


def test_editing_only_a_break_renarrates(client: TestClient, queue: RecordingQueue) -> None:
    article_id = client.post("/v1/articles", json={"ssml": SSML}).json()["id"]
    same = client.put(f"/v1/articles/{article_id}", json={"ssml": SSML})
    assert same.status_code == 200
    longer = client.put(f"/v1/articles/{article_id}", json={"ssml": SSML.replace('time="2s"', 'time="3s"')})
    assert longer.status_code == 202
