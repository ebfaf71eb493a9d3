"""The console's voices, feeds, webhooks and stats pages in system Chromium: axe-core finds no serious or
critical violation at 360 px and on a desktop, nothing overflows a phone's width, a screenshot of each page
is kept, a feed is created with a cover upload, and a webhook delivery is resent from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile

from service.api.app import create_app
from service.api.deps import get_queue
from service.articles import records
from service.core.db import session_scope
from service.core.models import VoiceSample, WebhookDelivery
from service.core.queue import DEFAULT_QUEUE, WEBHOOK_DELIVERY_TASK
from service.core.settings import Settings
from service.core.storage import storage_for
from service.core.voices import catalog_dirs, get_voice
from service.listeners.samples import VOICE_SAMPLE_TASK, record_sample
from service.webhooks import store
from service.webhooks.events import Event
from service.webhooks.retry import Decision, Outcome
from tests.api.conftest import RecordingQueue
from tests.api.test_feeds import FEED
from tests.api.test_stats_daily import listened
from tests.browser.live import CHROMIUM, serve_app
from tests.browser.pages import VIEWPORTS, check_page
from tests.console.files import png
from tests.console.test_voices_page import SLOW_JOE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install -y chromium)"),
]

HOOK_URL = "https://93.184.215.14/hooks/cms"  # a public address literal; the recording queue sends nothing


@dataclass(frozen=True)
class Console:
    base_url: str
    queue: RecordingQueue
    settings: Settings
    root: Path
    webhook_id: str
    delivery_id: str


def tone_mp3(path: Path, seconds: float = 3.0) -> Path:
    rate = 22050
    t = np.arange(int(rate * seconds)) / rate
    soundfile.write(str(path), (0.2 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), rate, format="MP3")
    return path


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The app under uvicorn with a feed and one narrated episode that was listened to, and a webhook whose
    one delivery failed: what an editor finds on these pages."""
    root = tmp_path_factory.mktemp("console")
    (root / "voices").mkdir()
    (root / "voices" / "slow.toml").write_text(SLOW_JOE, encoding="utf-8")
    settings = Settings(data_dir=root / "data", extra_voices_dir=root / "voices")
    queue = RecordingQueue()
    app = create_app(settings)
    app.dependency_overrides[get_queue] = lambda: queue
    with serve_app(app) as base_url:
        api = httpx.Client(base_url=base_url)
        assert api.post("/v1/feeds", json=FEED).status_code == 201
        created = api.post("/v1/articles", json={"title": "Harbour at dawn", "text": "Boats left.", "feed": "daily"})
        article = created.json()
        stored = storage_for(settings).put_file(tone_mp3(root / "tone.mp3"), "mp3")
        with session_scope(settings.database_url) as session:
            records.finish_narration(
                session,
                article["latest_narration"]["id"],
                records.FinishedAudio(stored.sha256, stored.key, stored.size, 3.0),
            )
        listened(settings, article["id"], 0, ["play", "play", "play", "p25", "p25"])  # what the player counted
        webhook_id = api.post("/v1/webhooks", json={"url": HOOK_URL, "description": "CMS"}).json()["id"]
        event = Event("msg_n1_completed", "narration.completed", datetime.now(UTC), {"id": "n1"})
        with session_scope(settings.database_url) as session:
            [delivery_id] = store.record_event(session, event, feed="daily")
            store.record_attempt(
                session,
                delivery_id,
                1,
                started_at=datetime.now(UTC),
                duration_ms=120,
                status_code=404,
                error=None,
                outcome=Outcome.FINAL,
                decision=Decision("failed", error="the endpoint's answer is final; not retried"),
            )
        yield Console(base_url, queue, settings, root, webhook_id, delivery_id)


@pytest.mark.parametrize(
    ("name", "path", "heading"),
    [
        ("voices", "/console/voices?compare=en_US-joe-medium&compare=en_US-joe-slow", "Voices"),
        ("feeds", "/console/feeds", "Feeds"),
        ("feed", "/console/feeds/daily", FEED["title"]),
        ("webhooks", "/console/webhooks", "Webhooks"),
        ("stats", "/console/stats?days=7", "Stats"),
    ],
)
def test_each_page_is_accessible_at_both_widths(
    page: Any, console: Console, name: str, path: str, heading: str
) -> None:
    page.goto(console.base_url + path)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    check_page(page, name)


def test_the_webhook_page_is_accessible(page: Any, console: Console) -> None:
    page.goto(f"{console.base_url}/console/webhooks/{console.webhook_id}")
    assert page.get_by_role("cell", name="HTTP 404", exact=False).count() == 1
    check_page(page, "webhook")


def test_the_stats_charts_are_images_with_their_description(page: Any, console: Console) -> None:
    page.goto(f"{console.base_url}/console/stats?days=7")
    chart = page.get_by_role("img", name="All articles: plays and quartiles reached per day")
    assert chart.is_visible()
    assert chart.get_attribute("aria-labelledby")
    box = chart.bounding_box()
    assert box["width"] <= VIEWPORTS[page.viewport_name]["width"]


def test_a_feed_is_created_and_its_cover_uploaded_with_a_preview(page: Any, console: Console, tmp_path: Path) -> None:
    slug = f"evening-{page.viewport_name}"
    page.goto(console.base_url + "/console/feeds")
    page.get_by_label("Slug").fill(slug)
    page.get_by_label("Title").fill("The Evening Paper")
    page.get_by_label("Description").fill("The evening's stories, read aloud.")
    page.get_by_label("Author").fill("The Evening Paper")
    page.get_by_label("Owner's e-mail").fill("podcast@evening.example")
    page.get_by_role("combobox", name="Category", exact=True).select_option("News")
    page.get_by_role("button", name="Create the feed").click()
    page.wait_for_url(f"**/console/feeds/{slug}?created=1")
    assert page.get_by_role("status").first.inner_text().startswith("Feed created.")
    assert page.get_by_role("textbox", name="Feed URL").input_value() == f"{console.base_url}/feeds/{slug}.xml"

    cover = tmp_path / "cover.png"
    cover.write_bytes(png(64, 64, (200, 80, 20)))
    page.get_by_label("Upload a cover").set_input_files(str(cover))
    preview = page.locator("#preview-cover img")
    preview.wait_for()
    assert preview.get_attribute("src").startswith("blob:")
    page.wait_for_function("() => document.querySelector('#preview-cover img').naturalWidth === 64")
    page.get_by_role("button", name="Upload the cover").click()
    page.wait_for_url(f"**/console/feeds/{slug}?uploaded=cover#assets")
    stored = page.get_by_role("img", name="The feed's cover")
    assert stored.get_attribute("src").startswith("/media/")
    page.wait_for_function("() => document.querySelector('img[alt=\"The feed\\'s cover\"]').naturalWidth === 64")
    check_page(page, "feed-with-cover")
    assert httpx.get(f"{console.base_url}/feeds/{slug}.xml").status_code == 200


def test_the_feed_url_is_copied(page: Any, console: Console) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(console.base_url + "/console/feeds/daily")
    page.get_by_role("button", name="Copy the URL").click()
    page.get_by_text("Copied.").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{console.base_url}/feeds/daily.xml"


def test_a_delivery_is_resent_from_the_keyboard(page: Any, console: Console) -> None:
    with session_scope(console.settings.database_url) as session:  # each viewport resends a finished delivery
        delivery = session.get(WebhookDelivery, console.delivery_id)
        delivery.status, delivery.error, delivery.next_attempt_at = "failed", "gave up after 1 attempt", None
    console.queue.sent.clear()
    page.goto(f"{console.base_url}/console/webhooks/{console.webhook_id}")
    resend = page.get_by_role("button", name="Resend narration.completed msg_n1_completed")
    resend.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/console/webhooks/{console.webhook_id}?resent={console.delivery_id}")
    assert "its next attempt is queued" in page.get_by_role("status").first.inner_text()
    resent = [sent for sent in console.queue.sent if sent[0] == WEBHOOK_DELIVERY_TASK]
    assert resent == [(WEBHOOK_DELIVERY_TASK, [console.delivery_id, 2], DEFAULT_QUEUE)]
    assert page.get_by_text("on its way").is_visible()


def test_a_sample_not_made_yet_plays_once_a_worker_has_made_it(page: Any, console: Console) -> None:
    voice = get_voice(catalog_dirs(console.settings), "en_US-joe-slow")
    with session_scope(console.settings.database_url) as session:  # each viewport starts with no sample
        session.query(VoiceSample).filter_by(voice_id=voice.id).delete()
    page.goto(console.base_url + "/console/voices?compare=en_US-joe-medium&compare=en_US-joe-slow")
    page.locator("#compare-en_US-joe-slow").evaluate("(audio) => audio.play().catch(() => {})")
    page.get_by_text("Preparing the sample…").wait_for(timeout=15_000)  # the API answered 202
    assert any(task == VOICE_SAMPLE_TASK and args[0] == voice.id for task, args, _ in console.queue.sent)
    # The worker's part: the sample narrated into storage and recorded.
    stored = storage_for(console.settings).put_file(tone_mp3(console.root / "sample.mp3", 2.0), "mp3")
    with session_scope(console.settings.database_url) as session:
        record_sample(session, voice, stored.key)
    page.wait_for_function(
        "() => document.getElementById('compare-en_US-joe-slow').currentTime > 0.2",
        timeout=20_000,
    )
