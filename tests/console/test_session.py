"""Console sessions: opening without keys, signing in with a key, the cookie's flags, CSRF, read-only keys."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.access import keys
from service.api.app import create_app
from service.api.auth import check_routes_declared
from service.console.router import PRINCIPAL
from service.console.session import ConsoleRead
from service.core.db import session_scope
from service.core.settings import Settings
from tests.console.conftest import ORIGIN, csrf_of, make_key, sign_in


def test_without_keys_the_console_opens_directly(client: TestClient) -> None:
    page = client.get("/console/articles")
    assert page.status_code == 200
    assert "<h1>Articles</h1>" in page.text
    assert "open: no keys yet" in page.text


def test_the_session_cookie_is_httponly_and_samesite_strict_and_not_secure_over_http(client: TestClient) -> None:
    cookie = client.get("/console/articles").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_over_https(client: TestClient) -> None:
    cookie = client.get("https://testserver/console/articles").headers["set-cookie"]
    assert "Secure" in cookie


def test_once_a_key_exists_a_page_sends_the_browser_to_sign_in(client: TestClient, settings: Settings) -> None:
    make_key(settings, ["admin"])
    page = client.get("/console/articles?q=harbour")
    assert page.status_code == 303
    assert page.headers["location"] == "/console/sign-in?next=/console/articles%3Fq%3Dharbour"


def test_signing_in_with_a_key_opens_the_console(client: TestClient, settings: Settings) -> None:
    sign_in(client, make_key(settings, ["admin"]))
    page = client.get("/console/articles")
    assert page.status_code == 200
    assert "Sign out" in page.text


def test_a_wrong_key_is_refused_on_the_sign_in_page(client: TestClient, settings: Settings) -> None:
    make_key(settings, ["admin"])
    form = client.get("/console/sign-in")
    refused = client.post("/console/sign-in", data={"key": "nk_" + "x" * 43, "csrf_token": csrf_of(form.text)})
    assert refused.status_code == 401
    assert "unknown or revoked" in refused.text
    assert client.get("/console/articles").status_code == 303


def test_revoking_the_key_ends_its_console_session(client: TestClient, settings: Settings) -> None:
    key = make_key(settings, ["admin"])
    sign_in(client, key)
    with session_scope(settings.database_url) as session:
        keys.revoke_key(session, key[: keys.VISIBLE_CHARS])
    assert client.get("/console/articles").status_code == 303


def test_a_form_posted_without_the_csrf_token_is_refused(client: TestClient, settings: Settings) -> None:
    sign_in(client, make_key(settings, ["admin"]))
    refused = client.post("/console/sign-out", data={})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "csrf_failed"


def test_a_form_posted_from_another_origin_is_refused(client: TestClient, settings: Settings) -> None:
    sign_in(client, make_key(settings, ["admin"]))
    token = csrf_of(client.get("/console/articles").text)
    refused = client.post("/console/sign-out", data={"csrf_token": token}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"


def test_a_form_posted_with_neither_origin_nor_referer_is_refused(client: TestClient, settings: Settings) -> None:
    sign_in(client, make_key(settings, ["admin"]))
    token = csrf_of(client.get("/console/articles").text)
    refused = client.post("/console/sign-out", data={"csrf_token": token}, headers={"Origin": ""})
    assert refused.status_code == 403


def test_a_form_with_its_token_from_this_origin_is_accepted(client: TestClient, settings: Settings) -> None:
    sign_in(client, make_key(settings, ["admin"]))
    token = csrf_of(client.get("/console/articles").text)
    out = client.post("/console/sign-out", data={"csrf_token": token})
    assert out.status_code == 303
    assert client.get("/console/articles").status_code == 303  # signed out


def test_a_signed_in_console_counts_against_its_keys_rate_limit(settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_limit_per_key": "3 per minute"})
    with TestClient(create_app(limited), headers={"Origin": ORIGIN}, follow_redirects=False) as client:
        sign_in(client, make_key(settings, ["admin"]))  # the sign-in form is keyless: not counted per key
        answers = [client.get("/console/articles").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_a_console_route_declares_its_scope_through_the_session_or_the_app_refuses_it(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)

    @app.get("/console/declared")
    def declared(user: ConsoleRead) -> dict[str, str]:
        return {}

    check_routes_declared(app, principals=[PRINCIPAL])

    @app.get("/console/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="GET /console/forgotten declares no scope and is not public"):
        check_routes_declared(app, principals=[PRINCIPAL])
