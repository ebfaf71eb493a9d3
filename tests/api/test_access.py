"""Access control: every route in the OpenAPI document is public or needs its scope; keys over the API and the CLI."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.access import keys
from service.api.auth import PUBLIC_ROUTES, check_routes_declared
from service.console import router as console
from service.core.db import session_scope
from service.core.settings import Settings

PATH_VALUES = {"asset": "intro"}  # a Literal in the path; every other parameter gets an id that names nothing


def make_key(settings: Settings, scopes: list[str], project: str = "default", name: str = "test") -> str:
    with session_scope(settings.database_url) as session:
        return keys.create_key(session, project, name, scopes)[1]


def operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    paths: dict[str, dict[str, Any]] = client.get("/openapi.json").json()["paths"]
    return [(method.upper(), path, op) for path, item in paths.items() for method, op in item.items()]


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "nothing-here"), path)


def call(client: TestClient, method: str, path: str, key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = {} if method in ("POST", "PUT") else None
    return client.request(method, concrete(path), headers=headers, json=body, params={"wait": 0})


def test_every_route_is_public_or_needs_its_scope(client: TestClient, settings: Settings) -> None:
    """Without a key: 401 (public routes excepted); a key without the scope: 403; with it: neither."""
    ops = operations(client)
    assert len(ops) > 30
    make_key(settings, ["admin"], name="first")  # from now on keys are required
    key_for = {scope: make_key(settings, [scope]) for scope in keys.SCOPES}
    all_but = {
        scope: make_key(settings, [s for s in keys.SCOPES if s not in (scope, keys.ADMIN)]) for scope in keys.SCOPES
    }
    for method, path, op in ops:
        if (method, path) in PUBLIC_ROUTES:
            assert "security" not in op, f"{method} {path} is public but declares security"
            assert call(client, method, path).status_code not in (401, 403), f"{method} {path}"
            continue
        security = op.get("security")
        assert security and len(security) == 1, f"{method} {path} declares no scope and is not public"
        [(scheme, scopes)] = security[0].items()
        assert scheme == "HTTPBearer" and len(scopes) == 1 and scopes[0] in keys.SCOPES, (method, path, security)
        [scope] = scopes

        anonymous = call(client, method, path)
        assert anonymous.status_code == 401, f"{method} {path}: {anonymous.status_code}"
        assert anonymous.headers["content-type"] == "application/problem+json"
        assert anonymous.json()["code"] == "unauthenticated"
        assert anonymous.headers["www-authenticate"] == "Bearer"

        if scope != keys.ADMIN:
            lacking = call(client, method, path, all_but[scope])
            assert lacking.status_code == 403, f"{method} {path} with every scope but {scope}: {lacking.status_code}"
            assert lacking.json()["code"] == "forbidden"
            assert lacking.json()["required_scope"] == scope
        else:
            lacking = call(client, method, path, key_for["articles:write"])
            assert lacking.status_code == 403, f"{method} {path}"

        allowed = call(client, method, path, key_for[scope])
        assert allowed.status_code not in (401, 403), f"{method} {path} with {scope}: {allowed.text}"

        wrong = call(client, method, path, "nk_" + "x" * 43)
        assert wrong.status_code == 401, f"{method} {path} with an unknown key"


def test_a_route_without_a_declared_scope_stops_the_app(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)

    @app.get("/v1/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="GET /v1/forgotten declares no scope and is not public"):
        check_routes_declared(app, principals=[console.PRINCIPAL])  # as create_app checks it


def test_without_any_key_everything_is_open_as_the_default_project(client: TestClient) -> None:
    assert client.get("/v1/feeds").status_code == 200
    assert client.get("/v1/webhooks").status_code == 200
    assert client.get("/v1/keys").json() == []


def test_keys_over_the_api(client: TestClient, settings: Settings) -> None:
    admin = make_key(settings, ["admin"], name="admin")
    auth = {"Authorization": f"Bearer {admin}"}
    created = client.post("/v1/keys", json={"name": "cms", "scopes": ["articles:read"]}, headers=auth)
    assert created.status_code == 201, created.text
    body = created.json()
    key = body["key"]
    assert key.startswith("nk_") and len(key) >= 40 and body["prefix"] == key[:11]
    assert client.get("/v1/feeds", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    listed = client.get("/v1/keys", headers=auth).json()
    assert [k["name"] for k in listed] == ["admin", "cms"]
    assert all("key" not in k for k in listed)
    assert next(k for k in listed if k["name"] == "admin")["last_used_at"] is not None
    bad = client.post("/v1/keys", json={"name": "x", "scopes": ["root"]}, headers=auth)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_scope"
    assert client.delete(f"/v1/keys/{body['id']}", headers=auth).status_code == 204
    assert client.get("/v1/feeds", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    # Revoking every key does not open the API again.
    client.delete(f"/v1/keys/{listed[0]['id']}", headers=auth)
    assert client.get("/v1/feeds").status_code == 401


def test_only_the_hash_and_prefix_are_stored(settings: Settings) -> None:
    key = make_key(settings, ["stats:read"])
    with session_scope(settings.database_url) as session:
        [record] = keys.list_keys(session)
        assert record.key_hash == keys.hash_key(key) and key not in (record.key_hash, record.prefix)
        assert keys.verify_key(session, key) is not None
        assert keys.verify_key(session, key[:-1] + ("A" if key[-1] != "A" else "B")) is None


def test_narrator_keys(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], client: TestClient
) -> None:
    """`narrator keys create` prints the key alone on its last line; list shows the prefix; revoke ends it."""
    from service.core.settings import get_settings
    from workers.cli import main

    monkeypatch.setenv("NARRATOR_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        assert (
            main(["keys", "create", "--project", "acme", "--name", "cms", "--scopes", "articles:read,stats:read"]) == 0
        )
        key = capsys.readouterr().out.strip().splitlines()[-1]
        assert re.fullmatch(r"nk_[A-Za-z0-9_-]{43}", key)
        assert client.get("/v1/feeds", headers={"Authorization": f"Bearer {key}"}).status_code == 200
        assert main(["keys", "list"]) == 0
        listed = capsys.readouterr().out
        assert key[:11] in listed and "acme" in listed and key not in listed
        assert main(["keys", "revoke", key[:11]]) == 0
        assert client.get("/v1/feeds", headers={"Authorization": f"Bearer {key}"}).status_code == 401
        assert main(["keys", "create", "--name", "x", "--scopes", "everything"]) == 2
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("host", "insecure", "with_key", "starts"),
    [
        ("127.0.0.1", False, False, True),
        ("0.0.0.0", False, False, False),
        ("0.0.0.0", True, False, True),
        ("0.0.0.0", False, True, True),
    ],
)
def test_serve_refuses_an_open_non_loopback_bind(
    settings: Settings, host: str, insecure: bool, with_key: bool, starts: bool
) -> None:
    import argparse

    from workers.cli.commands.serve import _check_access
    from workers.cli.registry import CommandError

    if with_key:
        make_key(settings, ["admin"])
    else:
        from service.core.db import engine_for

        engine_for(settings.database_url)
    args = argparse.Namespace(host=host, insecure=insecure)
    if starts:
        _check_access(args, settings)
    else:
        with pytest.raises(CommandError, match="no API key"):
            _check_access(args, settings)


def test_with_no_key_made_yet_a_key_sent_anyway_is_ignored(client: TestClient) -> None:
    # The OpenAI client always sends one; the open embedded default must not refuse it.
    response = client.get("/v1/voices", headers={"Authorization": "Bearer not-needed"})
    assert response.status_code == 200
