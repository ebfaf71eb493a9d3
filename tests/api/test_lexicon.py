"""Pronunciation lexicon over HTTP: CRUD, versions, affected articles, re-narration on request."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import RecordingQueue


def _article(client: TestClient, text: str, feed: str | None = None) -> str:
    body = {"text": text} | ({"feed": feed} if feed else {})
    return client.post("/v1/articles", json=body).json()["id"]


def test_put_creates_an_alias_entry_and_lists_it(client: TestClient) -> None:
    response = client.put("/v1/lexicon/entries/Huawei", json={"alias": "wah-way"})
    assert response.status_code == 200
    assert response.json()["entry"] == {"term": "Huawei", "feed": None, "alias": "wah-way", "ipa": None, "version": 1}
    assert [e["term"] for e in client.get("/v1/lexicon/entries").json()] == ["Huawei"]


def test_an_ipa_entry_is_kept_as_phonemes(client: TestClient) -> None:
    entry = client.put("/v1/lexicon/entries/Nvidia", json={"ipa": "ɛnvˈɪdiə"}).json()["entry"]
    assert entry["ipa"] == "ɛnvˈɪdiə" and entry["alias"] is None


def test_every_change_bumps_the_version(client: TestClient) -> None:
    client.put("/v1/lexicon/entries/Huawei", json={"alias": "wah-way"})
    second = client.put("/v1/lexicon/entries/Huawei", json={"alias": "wah way"}).json()
    assert second["entry"]["version"] == 2
    assert second["lexicon_version"] == "2"


def test_feed_entries_are_separate_from_global_ones(client: TestClient) -> None:
    client.put("/v1/lexicon/entries/Huawei?feed=tech", json={"alias": "wah-way"})
    assert client.get("/v1/lexicon/entries").json() == []
    assert client.get("/v1/lexicon/entries?feed=tech").json()[0]["feed"] == "tech"


def test_a_change_lists_the_articles_it_affects(client: TestClient) -> None:
    hit = _article(client, "Huawei makes chips.")
    _article(client, "Nothing about that company. Huaweis is not a word match.")
    affected = client.put("/v1/lexicon/entries/Huawei", json={"alias": "wah-way"}).json()["affected_articles"]
    assert [a["id"] for a in affected] == [hit]


def test_a_feed_change_affects_only_that_feeds_articles(client: TestClient) -> None:
    _article(client, "Huawei makes chips.", feed="news")
    tech = _article(client, "Huawei makes phones.", feed="tech")
    affected = client.put("/v1/lexicon/entries/Huawei?feed=tech", json={"alias": "wah-way"}).json()["affected_articles"]
    assert [a["id"] for a in affected] == [tech]


def test_renarrate_true_queues_the_affected_articles_as_backfill(client: TestClient, queue: RecordingQueue) -> None:
    article = _article(client, "Huawei makes chips.")
    change = client.put("/v1/lexicon/entries/Huawei?renarrate=true", json={"alias": "wah-way"}).json()
    assert change["renarrated"] is True
    narration_id = change["affected_articles"][0]["narration_id"]
    assert queue.enqueued[-1] == narration_id and queue.priorities[-1] == "backfill"
    assert client.get(f"/v1/narrations/{narration_id}").json()["article_id"] == article


def test_delete_removes_the_entry(client: TestClient) -> None:
    client.put("/v1/lexicon/entries/Huawei", json={"alias": "wah-way"})
    assert client.delete("/v1/lexicon/entries/Huawei").status_code == 200
    assert client.get("/v1/lexicon/entries").json() == []
    assert client.delete("/v1/lexicon/entries/Huawei").json()["code"] == "not_found"


def test_an_entry_needs_exactly_one_of_alias_or_ipa(client: TestClient) -> None:
    both = client.put("/v1/lexicon/entries/X", json={"alias": "a", "ipa": "b"})
    neither = client.put("/v1/lexicon/entries/X", json={})
    assert both.status_code == neither.status_code == 422
    assert both.json()["code"] == "invalid_lexicon_entry"


def test_ipa_with_brackets_is_refused(client: TestClient) -> None:
    assert client.put("/v1/lexicon/entries/X", json={"ipa": "[[ x ]]"}).json()["code"] == "invalid_lexicon_entry"
