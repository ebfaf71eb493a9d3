"""HEAD on every GET route, `Allow` on 405, and a body that is not text (service/api/methods.py)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    created = client.post("/v1/articles", json={"text": "One paragraph."}).json()
    for path in (f"/v1/articles/{created['id']}", "/v1/voices", "/healthz", "/openapi.json"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-length"] == get.headers["content-length"]


def test_head_of_a_missing_article_is_404(client: TestClient) -> None:
    assert client.head("/v1/articles/nope").status_code == 404


def test_every_get_route_in_the_openapi_document_answers_head(client: TestClient) -> None:
    schema: dict[str, Any] = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        concrete = path.replace("{", "").replace("}", "")  # any value: 404 or 422 are answers too
        assert client.head(concrete).status_code != 405, path


def test_405_lists_every_method_of_the_path(client: TestClient) -> None:
    created = client.post("/v1/articles", json={"text": "One paragraph."}).json()
    response = client.post(f"/v1/articles/{created['id']}")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "method_not_allowed"
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "PUT", "DELETE"}


def test_a_body_that_is_not_utf8_is_malformed_json(client: TestClient) -> None:
    response = client.post(
        "/v1/articles", content=b'{"text": "\xff\xfe"}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "malformed_json"


def test_timestamps_carry_their_time_zone_on_sqlite(client: TestClient) -> None:
    created = client.post("/v1/articles", json={"text": "One paragraph."}).json()
    narration = client.get(f"/v1/narrations/{created['latest_narration']['id']}").json()
    assert narration["created_at"].endswith(("Z", "+00:00")), narration["created_at"]
