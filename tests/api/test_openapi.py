"""The OpenAPI document: every operation has its own id."""

from __future__ import annotations

import warnings
from typing import Any

from fastapi.testclient import TestClient


def test_openapi_json_has_no_duplicate_operation_ids(client: TestClient) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = client.get("/openapi.json")
    assert response.status_code == 200
    assert [str(w.message) for w in caught if "Duplicate Operation ID" in str(w.message)] == []
    paths: dict[str, dict[str, Any]] = response.json()["paths"]
    ids = [op["operationId"] for item in paths.values() for op in item.values() if "operationId" in op]
    assert len(ids) == len(set(ids))
    # HEAD /feeds/{slug}.xml shares GET's handler and stays out of the schema (tests/api/test_feeds.py).
    assert list(paths["/feeds/{slug}.xml"]) == ["get"]
