"""Console error pages: a browser opening a console page that fails gets HTML in the console's frame, with the
status and the problem's code; scripts, curl and the API keep problem+json."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.deps import get_session
from service.core.settings import Settings
from tests.console.conftest import make_key, sign_in

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize(
    ("path", "back"),
    [
        ("/console/articles/0123456789abcdef", ("/console/articles", "Articles")),
        ("/console/feeds/no-such-feed", ("/console/feeds", "Feeds")),
        ("/console/webhooks/0123456789abcdef", ("/console/webhooks", "Webhooks")),
        ("/console/sources/0123456789abcdef", ("/console/sources", "Sources")),
    ],
)
def test_an_unknown_object_is_an_html_page_with_its_code_and_a_link_back(
    client: TestClient, path: str, back: tuple[str, str]
) -> None:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<p class="error-status">404</p>' in response.text
    assert '<code class="problem-code">not_found</code>' in response.text
    assert f'<a href="{back[0]}">Back to {back[1]}</a>' in response.text
    assert '<nav aria-label="Console">' in response.text  # in the console's frame
    assert "Content-Security-Policy" in response.headers


def test_without_text_html_a_console_error_stays_problem_json(client: TestClient) -> None:
    response = client.get("/console/feeds/no-such-feed", headers={"Accept": "application/json"})
    assert (response.status_code, response.headers["content-type"]) == (404, "application/problem+json")
    assert response.json()["code"] == "not_found"


def test_an_api_route_stays_problem_json_for_a_browser(client: TestClient) -> None:
    response = client.get("/v1/feeds/no-such-feed", headers=BROWSER)
    assert (response.status_code, response.headers["content-type"]) == (404, "application/problem+json")


def test_an_unknown_console_path_is_an_html_404(client: TestClient) -> None:
    response = client.get("/console/nowhere", headers=BROWSER)
    assert response.status_code == 404
    assert '<code class="problem-code">not_found</code>' in response.text
    assert '<a href="/console/articles">Back to Articles</a>' in response.text


def test_a_missing_scope_is_an_html_403_with_its_code(client: TestClient, settings: Settings) -> None:
    sign_in(client, make_key(settings, ["articles:read"]))
    response = client.get("/console/webhooks/0123456789abcdef", headers=BROWSER)
    assert response.status_code == 403
    assert '<code class="problem-code">forbidden</code>' in response.text
    assert re.search(r'<p class="alert" role="alert">[^<]*webhooks:write', response.text)


def test_a_form_without_its_csrf_token_is_an_html_403(client: TestClient) -> None:
    response = client.post("/console/sources", data={"url": "https://news.example/rss.xml"}, headers=BROWSER)
    assert response.status_code == 403
    assert '<code class="problem-code">csrf_failed</code>' in response.text


def test_a_query_the_page_refuses_is_an_html_422_with_its_code(client: TestClient) -> None:
    response = client.get("/console/stats?days=many", headers=BROWSER)
    assert response.status_code == 422
    assert '<code class="problem-code">validation_failed</code>' in response.text
    assert '<a href="/console/stats">Back to Stats</a>' in response.text


def test_an_unexpected_failure_is_the_consoles_html_500_and_the_api_stays_problem_json(settings: Settings) -> None:
    def broken_database() -> None:
        raise RuntimeError("the database went away")

    app = create_app(settings)
    app.dependency_overrides[get_session] = broken_database
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/console/articles", headers=BROWSER)
        api = client.get("/v1/articles", headers=BROWSER)
    assert (page.status_code, page.headers["content-type"]) == (500, "text/html; charset=utf-8")
    assert '<code class="problem-code">internal_error</code>' in page.text
    assert '<nav aria-label="Console">' in page.text
    assert "the database went away" not in page.text  # no internals in the page
    assert page.headers["x-request-id"]
    assert (api.status_code, api.headers["content-type"]) == (500, "application/problem+json")
