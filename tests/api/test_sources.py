"""/v1/sources on the real app: register, list with counts, pause, resume, poll now, delete; scopes and errors."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.core.db import session_scope
from service.core.models import Dispatch
from service.core.queue import POLL_SOURCE_TASK
from service.core.settings import Settings
from service.sources.poll import poll_source
from tests.api.conftest import RecordingQueue
from tests.api.test_access import make_key
from tests.conftest import serve_pages

FEED = "https://news.example/feed.xml"


def _create(client: TestClient, **body: object) -> dict:
    response = client.post("/v1/sources", json={"url": FEED, "interval_s": 600, **body})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_registered_source_is_listed_with_empty_counts_and_due_now(client: TestClient) -> None:
    created = _create(client, feed="town", priority="backfill", include={"path_prefixes": ["/news/"]})
    listed = client.get("/v1/sources").json()
    assert [s["id"] for s in listed] == [created["id"]]
    source = listed[0]
    assert source["url"] == FEED and source["feed"] == "town" and source["priority"] == "backfill"
    assert source["include"] == {"path_prefixes": ["/news/"]} and source["paused"] is False
    assert source["items"] == {"seen": 0, "narrated": 0, "unchanged": 0, "backlog": 0, "skipped": {}, "failed": {}}
    assert source["last_poll_at"] is None and source["last_error"] is None


def test_pause_and_resume(client: TestClient) -> None:
    source = _create(client)
    assert client.post(f"/v1/sources/{source['id']}/pause").json()["paused"] is True
    assert client.post(f"/v1/sources/{source['id']}/resume").json()["paused"] is False


def test_poll_now_puts_a_poll_in_the_outbox(client: TestClient, settings: Settings) -> None:
    source = _create(client)
    response = client.post(f"/v1/sources/{source['id']}/poll")
    assert response.status_code == 202
    with session_scope(settings.database_url) as session:
        polls = session.scalars(select(Dispatch).where(Dispatch.task == POLL_SOURCE_TASK)).all()
        assert [d.args for d in polls] == [[source["id"]]]


def test_a_deleted_source_is_gone(client: TestClient) -> None:
    source = _create(client)
    assert client.delete(f"/v1/sources/{source['id']}").status_code == 204
    response = client.get(f"/v1/sources/{source['id']}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_pattern_that_is_not_a_regular_expression_is_invalid_source(client: TestClient) -> None:
    response = client.post("/v1/sources", json={"url": FEED, "exclude": {"pattern": "(unclosed"}})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_source")


def test_a_url_the_project_already_follows_is_a_conflict(client: TestClient) -> None:
    _create(client)
    response = client.post("/v1/sources", json={"url": FEED})
    assert (response.status_code, response.json()["code"]) == (409, "duplicate_source")


def test_a_non_http_url_is_url_forbidden(client: TestClient) -> None:
    response = client.post("/v1/sources", json={"url": "file:///etc/passwd"})
    assert (response.status_code, response.json()["code"]) == (422, "url_forbidden")


def test_an_unknown_voice_is_refused(client: TestClient) -> None:
    response = client.post("/v1/sources", json={"url": FEED, "voice": "nobody"})
    assert response.json()["code"] == "unknown_voice"


def test_a_polled_source_shows_its_last_error_and_item_counts(
    client: TestClient, settings: Settings, queue: RecordingQueue
) -> None:
    with serve_pages({"/feed.xml": (200, b"<html><body>no feed here</body></html>")}) as site:
        source = client.post("/v1/sources", json={"url": f"{site}/feed.xml"}).json()
        allowed = settings.model_copy(update={"fetch_allow_hosts": ["127.0.0.1"]})
        with session_scope(settings.database_url) as session:
            poll_source(session, queue, allowed, source["id"])
    shown = client.get(f"/v1/sources/{source['id']}").json()
    assert shown["last_error"]["code"] == "source_malformed"
    assert client.get(f"/v1/sources/{source['id']}/items").json() == []
    assert shown["failures"] == 1 and shown["last_poll_at"] is not None and shown["last_success_at"] is None


def test_a_key_needs_sources_write_to_register_and_articles_read_to_list(
    client: TestClient, settings: Settings
) -> None:
    reader = {"Authorization": f"Bearer {make_key(settings, ['articles:read'])}"}
    writer = {"Authorization": f"Bearer {make_key(settings, ['sources:write'])}"}
    assert client.post("/v1/sources", json={"url": FEED}, headers=reader).json()["code"] == "forbidden"
    assert client.post("/v1/sources", json={"url": FEED}, headers=writer).status_code == 201
    assert client.get("/v1/sources", headers=reader).status_code == 200


def test_another_projects_source_is_not_found(client: TestClient, settings: Settings) -> None:
    ours = {"Authorization": f"Bearer {make_key(settings, ['admin'])}"}
    theirs = {"Authorization": f"Bearer {make_key(settings, ['admin'], project='other')}"}
    source = client.post("/v1/sources", json={"url": FEED}, headers=ours).json()
    assert client.get(f"/v1/sources/{source['id']}", headers=theirs).status_code == 404
    assert client.delete(f"/v1/sources/{source['id']}", headers=theirs).status_code == 404
    assert client.get("/v1/sources", headers=theirs).json() == []
