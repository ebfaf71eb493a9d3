"""Issue 3's loop end to end: the ASR review flags a misread name, a lexicon entry fixes it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.processes import (
    CMS_SCOPES,
    NARRATOR,
    RunningService,
    free_port,
    running,
    service_env,
    wait_for_narration,
)

pytestmark = pytest.mark.e2e

TEXT = "Shares of Nike fell on Monday.\n\nThe company sells running shoes in many countries."


@pytest.fixture(scope="module")
def bare_lexicon_service(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[RunningService]:
    """A deployment without the shipped default lexicon, as an editor finds a name the voice misreads.

    Its key is an editor's: articles and the lexicon.
    """
    tmp_path = tmp_path_factory.mktemp("review")
    port = free_port()
    env = service_env(
        tmp_path / "data", NARRATOR_BROKER_URL=redis_url.rsplit("/", 1)[0] + "/2", NARRATOR_DEFAULT_LEXICON="false"
    )
    with running(
        [[NARRATOR, "worker"], [NARRATOR, "serve", "--no-worker", "--port", str(port)]], env, port, tmp_path / "logs"
    ):
        service = RunningService(f"http://127.0.0.1:{port}", tmp_path / "data", env)
        yield service.with_key(*CMS_SCOPES, "lexicon:write", name="editor")


def _review(client, narration_id: str, timeout_s: float = 300) -> dict:  # type: ignore[no-untyped-def]
    """The review, once the worker has made it (it follows publication)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        response = client.get(f"/v1/narrations/{narration_id}/review")
        if response.status_code == 200:
            return response.json()
        time.sleep(0.5)
    raise TimeoutError(f"no review of {narration_id}")


def _flagged(review: dict) -> list[str]:
    return [d["expected"] for p in review["paragraphs"] for d in p["differences"]]


def _narrate_reviewed(client, article_id: str, *, force: bool) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    response = client.post(f"/v1/articles/{article_id}/narrations", json={"review": True, "force": force})
    narration = wait_for_narration(client, response.headers["location"])
    return narration, _review(client, narration["id"])


def test_review_flags_the_misread_name_and_a_lexicon_entry_clears_it(bare_lexicon_service: RunningService) -> None:
    # The voice samples noise and the recognizer is not perfect: each side gets up to three fresh
    # narrations (forced, so really synthesized again) and must show its result in one of them.
    with bare_lexicon_service.client() as client:
        created = client.post("/v1/articles", json={"text": TEXT, "review": True})
        article_id = created.json()["id"]
        wait_for_narration(client, created.headers["location"])
        before = [_review(client, created.json()["latest_narration"]["id"])]
        while not any("Nike" in w for w in _flagged(before[-1])) and len(before) < 3:
            before.append(_narrate_reviewed(client, article_id, force=True)[1])
        client.put("/v1/lexicon/entries/Nike", json={"alias": "Nikey"})
        second, review = _narrate_reviewed(client, article_id, force=False)
        after = [review]
        while any("Nike" in w for w in _flagged(after[-1])) and len(after) < 3:
            after.append(_narrate_reviewed(client, article_id, force=True)[1])
    print(f"\nflagged before the entry: {[_flagged(r) for r in before]}; after: {[_flagged(r) for r in after]}")
    assert any("Nike" in w for w in _flagged(before[-1]))
    assert not any("Nike" in w for w in _flagged(after[-1]))
    assert second["segments"] == {"total": 2, "cached": 1, "synthesized": 1}  # only the paragraph with the name
