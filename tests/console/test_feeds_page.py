"""The console's feeds page: create and edit feeds, upload intro/outro/cover, the feed URL, the episodes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.core.db import session_scope
from service.core.models import Feed
from service.core.settings import Settings
from tests.api.test_feeds import FEED, narrate
from tests.console.conftest import csrf_of, make_key, sign_in
from tests.console.files import png, wav

FORM = {k: v for k, v in FEED.items() if k not in ("explicit", "image_url")}


def post(client: TestClient, path: str, data: dict[str, Any], files: dict[str, Any] | None = None) -> Any:
    """Post a console form with the CSRF token of the page it is on."""
    token = csrf_of(client.get("/console/feeds").text)
    return client.post(path, data={**data, "csrf_token": token}, files=files)


@pytest.fixture
def created(client: TestClient) -> str:
    response = post(client, "/console/feeds", FORM)
    assert response.status_code == 303, response.text
    return str(FORM["slug"])


def test_creating_a_feed_leads_to_its_page_with_its_url(client: TestClient, created: str) -> None:
    page = client.get(f"/console/feeds/{created}?created=1")
    assert page.status_code == 200
    assert 'value="http://testserver/feeds/daily.xml" readonly' in page.text
    assert "Feed created." in page.text
    api = client.get("/v1/feeds/daily").json()
    assert (api["title"], api["subcategory"], api["rss_url"]) == (
        FEED["title"],
        "Daily News",
        "http://testserver/feeds/daily.xml",
    )


def test_a_refused_form_is_shown_again_with_the_error_beside_the_field(client: TestClient) -> None:
    response = post(client, "/console/feeds", {**FORM, "owner_email": "not an address"})
    assert response.status_code == 422
    assert 'id="f-owner_email"' in response.text and 'aria-invalid="true"' in response.text
    assert re.search(r'<p class="field-error" id="f-owner_email-error">[^<]+</p>', response.text)
    assert 'value="The Daily Paper, read aloud"' in response.text  # what was typed is kept
    assert client.get("/v1/feeds").json() == []


def test_a_subcategory_of_another_category_is_refused_for_the_whole_form(client: TestClient) -> None:
    response = post(client, "/console/feeds", {**FORM, "subcategory": "Books"})
    assert response.status_code == 422
    assert "is not a subcategory of" in response.text.split('role="alert"', 1)[1]


def test_a_taken_slug_is_refused(client: TestClient, created: str) -> None:
    response = post(client, "/console/feeds", FORM)
    assert response.status_code == 409
    assert "already exists" in response.text


def test_editing_saves_the_channel_as_the_api_does(client: TestClient, created: str) -> None:
    response = post(client, f"/console/feeds/{created}", {**FORM, "title": "The Evening Paper", "explicit": "on"})
    assert (response.status_code, response.headers["location"]) == (303, f"/console/feeds/{created}?saved=1")
    api = client.get(f"/v1/feeds/{created}").json()
    assert (api["title"], api["explicit"]) == ("The Evening Paper", True)


def test_an_uploaded_cover_is_stored_and_shown(client: TestClient, settings: Settings, created: str) -> None:
    image = png()
    response = post(
        client, f"/console/feeds/{created}/assets/cover", {}, files={"file": ("cover.png", image, "image/png")}
    )
    assert response.status_code == 303, response.text
    with session_scope(settings.database_url) as session:
        key = session.get(Feed, created).cover_key  # type: ignore[union-attr]
    assert key is not None and key.endswith(".png")
    page = client.get(f"/console/feeds/{created}")
    assert f'<img src="/media/{key}" alt="The feed\'s cover">' in page.text
    assert client.get(f"/media/{key}").content == image


def test_an_intro_that_is_not_audio_is_refused_beside_its_field(client: TestClient, created: str) -> None:
    response = post(client, f"/console/feeds/{created}/assets/intro", {}, files={"file": ("a.png", png(), "image/png")})
    assert response.status_code == 422
    assert 'id="file-intro-error" role="alert">not a WAV or FLAC file' in response.text


def test_an_intro_can_be_uploaded_and_removed(client: TestClient, settings: Settings, created: str) -> None:
    assert (
        post(
            client, f"/console/feeds/{created}/assets/intro", {}, files={"file": ("i.wav", wav(), "audio/wav")}
        ).status_code
        == 303
    )
    assert 'aria-label="The feed\'s intro"' in client.get(f"/console/feeds/{created}").text
    assert post(client, f"/console/feeds/{created}/assets/intro/remove", {}).status_code == 303
    with session_scope(settings.database_url) as session:
        assert session.get(Feed, created).intro_key is None  # type: ignore[union-attr]


def test_the_feeds_episodes_are_listed(client: TestClient, settings: Settings, created: str) -> None:
    episode = narrate(client, settings, "Harbour news")
    page = client.get(f"/console/feeds/{created}")
    assert f'<a href="/console/articles/{episode.article_id}">Harbour news</a>' in page.text
    assert f'href="http://testserver/media/{episode.audio_key}"' in page.text
    assert "Episodes (1)" in page.text
    assert re.search(r'data-label="Episodes">1<', client.get("/console/feeds").text)


def test_a_key_without_feeds_write_sees_the_feeds_read_only(client: TestClient, settings: Settings) -> None:
    assert client.post("/v1/feeds", json=FEED).status_code == 201  # while no key exists
    sign_in(client, make_key(settings, ["articles:read"]))
    listing, page = client.get("/console/feeds"), client.get("/console/feeds/daily")
    assert "Read-only" in listing.text and 'action="/console/feeds"' not in listing.text
    assert "Read-only" in page.text and "<form" not in page.text.split("<main", 1)[1].replace(
        'action="/console/sign-out"', ""
    )
    refused = client.post("/console/feeds/daily", data={**FORM, "csrf_token": csrf_of(listing.text)})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")


def test_an_upload_larger_than_the_general_body_limit_is_taken(
    client: TestClient, settings: Settings, created: str
) -> None:
    jingle = wav(40.0, rate=44100)  # 3.5 MB: over NARRATOR_MAX_BODY_BYTES (2 MB), under the assets' 20 MB
    assert len(jingle) > settings.max_body_bytes
    response = post(
        client, f"/console/feeds/{created}/assets/outro", {}, files={"file": ("o.wav", jingle, "audio/wav")}
    )
    assert response.status_code == 303, response.text
    with session_scope(settings.database_url) as session:
        assert session.get(Feed, created).outro_key is not None  # type: ignore[union-attr]
