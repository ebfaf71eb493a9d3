"""Console pages for articles on the real app (a recording queue, no worker): submit, list, article, edit, feed."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from service.articles import records, reviews
from service.core.db import session_scope
from service.core.settings import Settings
from tests.api.conftest import RecordingQueue
from tests.console.conftest import csrf_of, make_key, sign_in

TEXT = "Shares of Nike fell on Monday.\n\nThe company sells running shoes in many countries."


def submit(client: TestClient, **fields: str) -> str:
    """Submit through the form; the id of the article page it leads to."""
    token = csrf_of(client.get("/console/articles").text)
    answer = client.post("/console/articles", data={"csrf_token": token, **fields})
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/console/articles/(\w+)", answer.headers["location"])
    assert found, answer.headers["location"]
    return found.group(1)


def test_pasted_text_is_submitted_and_queued(client: TestClient, queue: RecordingQueue) -> None:
    article_id = submit(client, paste=TEXT, paste_kind="text", title="Nike", priority="backfill")
    page = client.get(f"/console/articles/{article_id}")
    assert page.status_code == 200
    assert "The company sells running shoes in many countries." in page.text
    assert len(queue.enqueued) == 1 and queue.priorities == ["backfill"]
    listed = client.get("/console/articles").text
    assert f'href="/console/articles/{article_id}"' in listed
    assert 'data-live="' in listed  # queued: the list follows its progress


def test_an_uploaded_markdown_file_keeps_its_headings(client: TestClient, settings: Settings) -> None:
    token = csrf_of(client.get("/console/articles").text)
    answer = client.post(
        "/console/articles",
        data={"csrf_token": token},
        files={"file": ("story.md", b"# Title here\n\n## A heading\n\nA paragraph.", "text/markdown")},
    )
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"]).text
    assert 'class="block block-heading"' in page and "<h1>Title here</h1>" in page


def test_two_sources_at_once_are_refused_on_the_page(client: TestClient) -> None:
    token = csrf_of(client.get("/console/articles").text)
    answer = client.post("/console/articles", data={"csrf_token": token, "paste": "Hi.", "url": "https://a.example/"})
    assert answer.status_code == 422
    assert "one way" in answer.text and "invalid_input" in answer.text


def test_search_and_status_filter_the_list(client: TestClient) -> None:
    submit(client, paste="A first story about harbours.", title="Harbour news")
    submit(client, paste="A second story about mountains.", title="Mountain news")
    found = client.get("/console/articles", params={"q": "harb"}).text
    assert "Harbour news" in found and "Mountain news" not in found
    assert "Harbour news" not in client.get("/console/articles", params={"status": "done"}).text


def test_the_edit_preview_counts_the_paragraphs_that_would_be_read_again(client: TestClient) -> None:
    article_id = submit(client, paste=TEXT, title="Nike")
    page = client.get(f"/console/articles/{article_id}").text
    edited = "Shares of Nike rose on Tuesday.\n\nThe company sells running shoes in many countries."
    preview = client.post(
        f"/console/articles/{article_id}/edit/preview",
        data={"title": "Nike", "markdown": edited},
        headers={"X-CSRF-Token": csrf_of(page)},
    )
    assert preview.status_code == 200, preview.text
    # Nothing was synthesized yet (no worker here): every block of the edit would be read.
    assert preview.json() == {
        "reread": 3,
        "total": 3,
        "narrates": True,
        "message": "3 of 3 paragraphs will be re-read.",
    }
    unchanged = client.post(
        f"/console/articles/{article_id}/edit/preview",
        data={"title": "Nike", "markdown": TEXT},
        headers={"X-CSRF-Token": csrf_of(page)},
    )
    assert unchanged.json()["narrates"] is False


def test_saving_an_edit_queues_a_narration(client: TestClient, queue: RecordingQueue) -> None:
    article_id = submit(client, paste=TEXT, title="Nike")
    token = csrf_of(client.get(f"/console/articles/{article_id}").text)
    saved = client.post(
        f"/console/articles/{article_id}/edit",
        data={"csrf_token": token, "title": "Nike", "markdown": TEXT.replace("Monday", "Tuesday")},
    )
    assert saved.status_code == 303
    assert len(queue.enqueued) == 2
    assert "Tuesday" in client.get(f"/console/articles/{article_id}").text


def test_the_article_is_added_to_a_feed(client: TestClient) -> None:
    feed = {"slug": "daily", "title": "Daily", "description": "d", "author": "a", "owner_email": "a@example.com"}
    assert client.post("/v1/feeds", json={**feed, "category": "News"}).status_code == 201
    article_id = submit(client, paste=TEXT, title="Nike")
    token = csrf_of(client.get(f"/console/articles/{article_id}").text)
    moved = client.post(f"/console/articles/{article_id}/feed", data={"csrf_token": token, "feed": "daily"})
    assert moved.status_code == 303
    assert 'href="/feeds/daily.xml"' in client.get(f"/console/articles/{article_id}").text


def test_flagged_words_are_highlighted_and_open_the_lexicon_editor(client: TestClient, settings: Settings) -> None:
    article_id = submit(client, paste=TEXT, title="Nike")
    with session_scope(settings.database_url) as session:
        article = records.get_article(session, article_id)
        text = records.document_of(article).text
        start = text.index("Nike", len("Nike"))  # in the first paragraph, not the title
        narration = records.latest_narration(session, article_id)
        assert narration is not None
        paragraph = "Shares of Nike fell on Monday."
        offset = text.index(paragraph)
        at = paragraph.index("Nike")
        reviews.record_review(
            session,
            narration.id,
            [
                {
                    "index": 1,
                    "text": paragraph,
                    "offset": offset,
                    "score": 0.8,
                    "heard": "shares of nick fell on monday",
                    "words": 6,
                    "errors": 1,
                    "differences": [{"expected": "Nike", "start": at, "end": at + 4, "heard": "nick"}],
                }
            ],
        )
    page = client.get(f"/console/articles/{article_id}/pronunciation").text
    assert f'href="?at={start}#editor"' in page
    editor = client.get(f"/console/articles/{article_id}/pronunciation", params={"at": start}).text
    assert "How to say “Nike”" in editor and "Shares of Nike fell on Monday." in editor
    assert f'href="/console/articles/{article_id}"' in editor  # the affected articles


def test_a_read_only_key_sees_no_forms_and_its_posts_are_refused(client: TestClient, settings: Settings) -> None:
    article_id = submit(client, paste=TEXT, title="Nike")  # while the console is open
    sign_in(client, make_key(settings, ["articles:read"]))
    listing = client.get("/console/articles").text
    assert "read-only" in listing and 'method="post" action="/console/articles"' not in listing
    page = client.get(f"/console/articles/{article_id}").text
    assert '/narrations"' not in page and '/edit"' not in page and '/feed"' not in page
    token = csrf_of(page)  # the sign-out form
    for path, data in [
        ("/console/articles", {"paste": "x"}),
        (f"/console/articles/{article_id}/narrations", {}),
        (f"/console/articles/{article_id}/edit", {"markdown": "x"}),
        (f"/console/articles/{article_id}/feed", {"feed": ""}),
        (f"/console/articles/{article_id}/pronunciation", {"term": "Nike", "spoken": "Nikey"}),
    ]:
        refused = client.post(path, data={"csrf_token": token, **data})
        assert refused.status_code == 403, path
        assert refused.json()["code"] == "forbidden"


def test_the_console_streams_a_narrations_progress_on_its_session(client: TestClient, settings: Settings) -> None:
    article_id = submit(client, paste=TEXT, title="Nike")
    with session_scope(settings.database_url) as session:
        narration = records.latest_narration(session, article_id)
        assert narration is not None
        narration_id = narration.id
        records.fail_narration(session, narration_id, "synthesis_failed", "the voice broke")
    with client.stream("GET", f"/console/narrations/{narration_id}/events") as events:
        body = "".join(events.iter_text())
    assert "event: failed" in body and "the voice broke" in body


def test_another_projects_narration_is_not_streamed(client: TestClient, settings: Settings) -> None:
    article_id = submit(client, paste=TEXT, title="Nike")
    with session_scope(settings.database_url) as session:
        narration = records.latest_narration(session, article_id)
        assert narration is not None
        narration_id = narration.id
    sign_in(client, make_key(settings, ["admin"], project="other"))
    assert client.get(f"/console/narrations/{narration_id}/events").status_code == 404
    assert client.get(f"/console/articles/{article_id}").status_code == 404
