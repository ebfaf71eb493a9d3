"""HTTP hardening: nosniff everywhere, a CSP on every HTML page, frame-ancestors and CORS origins from settings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from service.core.settings import Settings

CMS = "https://cms.example"


def player_page(client: TestClient) -> str:
    article_id = client.post("/v1/articles", json={"title": "T", "text": "Body."}).json()["id"]
    return f"/player/{article_id}"


@pytest.mark.parametrize("path", ["/v1/feeds", "/player.js", "/static/player.css", "/healthz", "/nowhere", "/docs"])
def test_every_answer_says_nosniff(client: TestClient, path: str) -> None:
    assert client.get(path).headers["x-content-type-options"] == "nosniff"


def test_the_player_page_may_be_framed_only_by_the_configured_sites(app_with: Callable[..., FastAPI]) -> None:
    with TestClient(app_with(frame_ancestors="https://news.example https://*.example.org")) as client:
        csp = client.get(player_page(client)).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["frame-ancestors"] == "https://news.example https://*.example.org"
    assert directives["script-src"] == "'self'"


def test_a_frame_ancestors_setting_cannot_add_directives(settings: Settings) -> None:
    with pytest.raises(ValidationError, match="frame_ancestors"):
        Settings(data_dir=settings.data_dir, frame_ancestors="* ; script-src *")


def test_the_docs_get_a_policy_that_lets_swagger_load(client: TestClient) -> None:
    csp = client.get("/docs").headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net" in csp
    assert "frame-ancestors 'self'" in csp


def test_json_and_audio_carry_no_policy(client: TestClient) -> None:
    # A browser opening an MP3 on its own would apply a policy to its media player.
    assert "content-security-policy" not in client.get("/v1/feeds").headers


def test_other_origins_may_not_call_the_api_by_default(client: TestClient) -> None:
    preflight = client.options("/v1/articles", headers={"Origin": CMS, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


def test_a_configured_origin_may_call_the_api_with_a_key(app_with: Callable[..., FastAPI]) -> None:
    with TestClient(app_with(cors_origins=[CMS])) as client:
        preflight = client.options(
            "/v1/articles",
            headers={
                "Origin": CMS,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == CMS
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        assert "access-control-allow-credentials" not in preflight.headers
        answer = client.get("/v1/feeds", headers={"Origin": CMS})
        assert answer.headers["access-control-allow-origin"] == CMS
        exposed = answer.headers["access-control-expose-headers"].lower()
        assert {"ratelimit", "ratelimit-policy", "retry-after", "location"} <= set(exposed.replace(" ", "").split(","))
        other = client.options(
            "/v1/articles", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in other.headers


def test_cors_origins_are_a_comma_separated_setting(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARRATOR_CORS_ORIGINS", f"{CMS}, https://desk.example")
    assert Settings(data_dir=settings.data_dir).cors_origins == [CMS, "https://desk.example"]


def test_refusals_and_crashes_say_nosniff_too(app_with: Callable[..., FastAPI]) -> None:
    app = app_with(max_body_bytes=1000)

    def boom() -> None:
        raise RuntimeError("unexpected")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        crashed = client.get("/boom")
        refused = client.post("/v1/articles", content=b"x" * 5000, headers={"content-type": "application/json"})
    assert (crashed.status_code, refused.status_code) == (500, 413)
    assert crashed.headers["x-content-type-options"] == refused.headers["x-content-type-options"] == "nosniff"
