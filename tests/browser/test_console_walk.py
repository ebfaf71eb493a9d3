"""An editor's day in the console, in system Chromium, against a real `narrator serve` with its worker.

Sign in with a key, submit an article by URL (a local page), watch its progress reach done, play the
second paragraph, open a word the speech-recognition review flagged, add a lexicon entry, preview it,
save and re-narrate, see that one paragraph was synthesized again, add the article to a feed and open
the feed. axe-core checks every page on the way; a screenshot of each is kept (the directory is printed).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.axe import axe_source, blocking_violations
from tests.browser.live import CHROMIUM
from tests.conftest import serve_pages
from tests.processes import NARRATOR, RunningService, free_port, running, service_env

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install -y chromium)"),
]

TITLE = "Markets on Monday"
# The voice misreads the name without the shipped lexicon (tests/e2e/test_review.py): the review flags it.
PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{TITLE}</title></head>
<body><article><h1>{TITLE}</h1>
<p>Shares of Nike fell on Monday.</p>
<p>The company sells running shoes in many countries.</p>
</article></body></html>""".encode()
FEED = {
    "slug": "markets",
    "title": "Markets daily",
    "description": "The day's market news, read aloud.",
    "author": "Newsroom",
    "owner_email": "news@example.com",
    "category": "News",
}


@pytest.fixture(scope="module")
def console_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningService, str, str]]:
    """`narrator serve` with its embedded worker, a key, a feed, and the article's page on a local server."""
    tmp_path = tmp_path_factory.mktemp("console")
    port = free_port()
    with serve_pages({"/markets.html": (200, PAGE)}) as site:
        env = service_env(
            tmp_path / "data",
            NARRATOR_DEFAULT_LEXICON="false",
            NARRATOR_FETCH_ALLOW_HOSTS=site.removeprefix("http://"),
        )
        with running([[NARRATOR, "serve", "--port", str(port)]], env, port, tmp_path / "logs"):
            created = subprocess.run(
                [NARRATOR, "keys", "create", "--name", "editor", "--scopes", "admin"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            )
            key = created.stdout.strip().splitlines()[-1]
            service = RunningService(f"http://127.0.0.1:{port}", tmp_path / "data", env)
            answer = httpx.post(f"{service.base_url}/v1/feeds", json=FEED, headers={"Authorization": f"Bearer {key}"})
            assert answer.status_code == 201, answer.text
            yield service, key, f"{site}/markets.html"


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    """Where the screenshots go: $NARRATOR_ARTIFACTS/console, else the test's tmp_path (printed either way)."""
    base = Path(os.environ["NARRATOR_ARTIFACTS"]) / "console" if os.environ.get("NARRATOR_ARTIFACTS") else tmp_path
    base.mkdir(parents=True, exist_ok=True)
    print(f"\nconsole screenshots: {base}")
    return base


class Walk:
    """The editor's browser tab: each page visited is checked with axe and photographed."""

    def __init__(self, page: Any, artifacts: Path) -> None:
        self.page, self.artifacts, self.axe = page, artifacts, axe_source()
        self.shots = 0

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        violations = blocking_violations(self.page, self.axe)
        assert not violations, f"{name}: {violations}"
        self.shots += 1
        self.page.screenshot(path=str(self.artifacts / f"{self.shots:02d}-{name}.png"), full_page=True)


def test_an_editors_day(
    chromium_browser: Any, console_service: tuple[RunningService, str, str], artifacts: Path
) -> None:
    service, key, article_url = console_service
    started = time.monotonic()
    context = chromium_browser.new_context(viewport={"width": 1100, "height": 900}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    walk = Walk(page, artifacts)

    # Sign in with the key.
    page.goto(f"{service.base_url}/console")
    assert "/console/sign-in" in page.url
    walk.check("sign-in")
    page.fill("#key", key)
    page.click("form[action='/console/sign-in'] button[type=submit]")
    page.wait_for_url("**/console/articles")
    walk.check("articles-empty")

    # Submit by URL, with the speech-recognition check, and watch the narration's progress reach done.
    page.fill("#url", article_url)
    page.check("#review")
    page.click("#submit button[type=submit]")
    page.wait_for_url("**/console/articles/*")
    article_path = page.url.removeprefix(service.base_url)
    assert page.locator("[data-live]").count() >= 1  # progress is followed live
    walk.check("article-narrating")
    page.wait_for_selector("#player", timeout=180_000)  # the page reloads itself when the narration is done
    assert page.locator("tr.version .status-done").count() == 1
    walk.check("article")

    # Play the second paragraph: the player jumps to its mark and plays it.
    page.click("button.play[data-block='2']")
    page.wait_for_function(
        "() => { const a = document.getElementById('player'); return !a.paused && a.currentTime > 0.3 && "
        "a.dataset.playingBlock === '2'; }",
        timeout=20_000,
    )
    # Read-along: the word being heard is highlighted, inside the paragraph being played.
    page.wait_for_function(
        "() => { const h = CSS.highlights.get('console-word'); return h && h.size === 1 && "
        "document.querySelector('#block-2').classList.contains('current'); }",
        timeout=10_000,
    )
    heard = page.evaluate("() => [...CSS.highlights.get('console-word')][0].toString()")
    assert heard and heard in "The company sells running shoes in many countries."
    played_from = page.evaluate("() => document.getElementById('player').currentTime")
    page.evaluate("() => document.getElementById('player').pause()")
    assert played_from > 1.0  # not the start of the file: the title and the first paragraph come before

    # The review follows publication; a clean read may flag nothing, so narrate again (forced, reviewed)
    # up to twice until the name is flagged, as tests/e2e/test_review.py does.
    page.goto(f"{service.base_url}{article_path}/pronunciation")
    for attempt in range(3):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and page.locator("text=Review of the narration").count() == 0:
            time.sleep(1)
            page.reload()
        if page.locator("a.flagged", has_text="Nike").count():
            break
        assert attempt < 2, "the review never flagged Nike"
        page.goto(f"{service.base_url}{article_path}")
        page.check("#rn-force")
        page.check("#rn-review")
        page.click("form[action$='/narrations'] button[type=submit]")
        page.wait_for_function("() => !document.querySelector('[data-live]')", timeout=180_000)
        page.goto(f"{service.base_url}{article_path}/pronunciation")
    walk.check("pronunciation")

    # Open the flagged word, write a pronunciation, preview it in the article's voice, save and re-narrate.
    page.click("a.flagged:has-text('Nike')")
    page.wait_for_selector("#editor")
    assert page.locator(".affected li").count() == 1
    page.fill("#spoken", "Nikey")
    page.click("[data-lexicon] [data-preview-button]")
    page.wait_for_selector("[data-preview-audio][data-ready]", timeout=120_000)
    walk.check("pronunciation-editor")
    page.click("[data-lexicon] button[type=submit]")
    page.wait_for_selector("#saved")
    page.wait_for_selector("#saved [data-finished='done']", timeout=180_000)
    walk.check("pronunciation-saved")

    # One paragraph was synthesized again: the one with the name.
    page.goto(f"{service.base_url}{article_path}")
    newest = page.locator("tr.version").first
    assert newest.locator(".synthesized").inner_text().strip() == "1 of 3"
    assert page.locator(".resynth").count() == 1
    assert "Nike" in page.locator(".block:has(.resynth) .block-text").inner_text()
    assert page.locator(".changes li").count() == 1  # what changed: the pronunciation of one paragraph
    walk.check("article-renarrated")

    # A/B: the two versions from one position; switching keeps the place.
    page.click("[data-ab-toggle]")
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-ab-audio=a]'); return !a.paused && a.currentTime > 0.5; }"
    )
    page.click("[data-ab-toggle]")
    switched = page.evaluate(
        "() => { const [a, b] = ['a', 'b'].map((s) => document.querySelector(`[data-ab-audio=${s}]`));"
        " return {aPaused: a.paused, a: a.currentTime, b: b.currentTime}; }"
    )
    assert switched["aPaused"] and abs(switched["b"] - switched["a"]) < 0.5, switched
    page.evaluate("() => document.querySelectorAll('audio').forEach((a) => a.pause())")

    # Editing in place says what saving would re-read, before saving.
    page.click("#edit summary")
    text = page.input_value("#edit-text")
    page.fill("#edit-text", text.replace("fell on Monday", "rose on Tuesday"))
    page.click("[data-preview-button]")
    page.wait_for_function("() => document.querySelector('[data-preview-out]').textContent.includes('of 3')")
    assert page.inner_text("[data-preview-out]") == "1 of 3 paragraphs will be re-read."
    page.set_viewport_size({"width": 360, "height": 800})  # a phone: nothing wider than the screen
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    walk.check("article-360px")
    page.set_viewport_size({"width": 1100, "height": 900})

    # Add the article to the feed and open the feed.
    page.select_option("#feed-slug", "markets")
    page.click("form[action$='/feed'] button[type=submit]")
    page.wait_for_selector("a.feed-url")
    page.click("a.feed-url")
    page.wait_for_load_state("load")
    feed = httpx.get(f"{service.base_url}/feeds/markets.xml")
    assert feed.status_code == 200 and TITLE in feed.text and "<enclosure" in feed.text

    # The list shows the article done, in its feed.
    page.goto(f"{service.base_url}/console/articles?feed=markets")
    row = page.locator("table.articles tbody tr")
    assert row.count() == 1 and "done" in row.inner_text() and "markets" in row.inner_text()
    walk.check("articles")
    context.close()
    assert not errors, errors
    print(f"editor's day: {time.monotonic() - started:.1f} s, {walk.shots} pages checked")
