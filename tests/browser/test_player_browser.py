"""The <narrator-player> web component in system Chromium, on a publisher's page of another origin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.live import CHROMIUM, PARAGRAPHS, TITLE, Narrated

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install -y chromium)"),
]

# The page differs from the article text the way real pages do: extra whitespace, curly quotes,
# inline markup, a caption that is not narrated, and enough height that the end needs scrolling.
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Harbour</title><link rel="icon" href="data:,">
<style>body {{ font: 18px/1.6 Georgia, serif; max-width: 40em; margin: 1em auto; padding: 0 1em; }}
.spacer {{ height: 1600px; }}</style></head>
<body>
<narrator-player article="{article}" src-base="{base}" text-selector="#story"></narrator-player>
<article id="story">
  <h1>Morning at the   harbour</h1>
  <p>The harbour was quiet
     before dawn. Fishermen checked their <em>nets</em> under yellow lamps.</p>
  <figure><figcaption>Boats at rest.</figcaption></figure>
  <div class="spacer"></div>
  <p id="last">By seven o\u2019clock, the first boats had left for the open sea.</p>
</article>
<script src="{base}/player.js" defer></script>
</body></html>
"""

AUDIO_STATE = """() => {
  const a = document.querySelector('narrator-player').shadowRoot.querySelector('audio');
  return {time: a.currentTime, paused: a.paused, rate: a.playbackRate, duration: a.duration, ended: a.ended};
}"""

HIGHLIGHTED = """() => {
  const h = window.CSS && CSS.highlights && CSS.highlights.get('narrator-sentence');
  if (h) return [...h].map((r) => r.toString()).join('');
  return [...document.querySelectorAll('mark.narrator-current')].map((m) => m.textContent).join('');
}"""

# The centre of a word on the page, for clicking inside a paragraph that holds two sentences.
WORD_CENTRE = """(word) => {
  const walker = document.createTreeWalker(document.getElementById('story'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const i = n.data.indexOf(word);
    if (i < 0) continue;
    const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + word.length);
    const box = r.getBoundingClientRect();
    return {x: box.left + box.width / 2, y: box.top + box.height / 2};
  }
  return null;
}"""


def squash(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


@pytest.fixture
def page(chromium_browser: Any, service: Narrated, publisher_site: tuple[str, Path]) -> Iterator[Any]:
    """A fresh context (empty localStorage) on the publisher's page; fails the test on any script error."""
    site_url, site_root = publisher_site
    (site_root / "story.html").write_text(PAGE.format(article=service.article_id, base=service.base_url))
    context = chromium_browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{site_url}/story.html")
    # Ready when read-along has mapped its sentences onto the page.
    page.wait_for_selector("narrator-player[data-read-along]", state="attached", timeout=15_000)
    yield page
    assert context.cookies() == [], "the player must not set cookies"
    context.close()
    assert errors == [], errors


def audio(page: Any) -> dict[str, Any]:
    return page.evaluate(AUDIO_STATE)


def wait_highlight(page: Any, fragment: str, timeout: int = 15_000) -> None:
    page.wait_for_function(f"() => ({HIGHLIGHTED})().replace(/\\s+/g, ' ').includes({fragment!r})", timeout=timeout)


def test_every_sentence_is_found_on_the_page(page: Any, service: Narrated) -> None:
    assert int(page.get_attribute("narrator-player", "data-read-along")) == len(service.sentences)


def test_play_advances_time_and_moves_the_highlight(page: Any, service: Narrated, tmp_path: Path) -> None:
    assert squash(page.evaluate(HIGHLIGHTED)) == TITLE  # before play: the first sentence
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({AUDIO_STATE})().time > 0.5", timeout=15_000)
    second = service.sentences[1]
    wait_highlight(page, " ".join(second["value"].split()[:3]))
    state = audio(page)
    assert not state["paused"] and state["time"] * 1000 >= second["time_ms"]
    assert page.get_by_role("button", name="Pause").is_visible()
    page.screenshot(path=str(tmp_path / "player-read-along.png"))
    print(f"screenshot: {tmp_path / 'player-read-along.png'}")


def test_speed_changes_the_playback_rate(page: Any) -> None:
    page.locator("narrator-player select").select_option("2")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({AUDIO_STATE})().time > 1", timeout=15_000)
    assert audio(page)["rate"] == 2
    page.locator("narrator-player select").select_option("0.75")
    assert audio(page)["rate"] == 0.75


def test_clicking_a_sentence_seeks_there(page: Any, service: Narrated) -> None:
    target = next(s for s in service.sentences if s["value"].startswith("Fishermen"))
    point = page.evaluate(WORD_CENTRE, "Fishermen")
    page.mouse.click(point["x"], point["y"])
    wait_highlight(page, "Fishermen checked")
    assert audio(page)["time"] == pytest.approx(target["time_ms"] / 1000, abs=0.3)


def test_the_highlight_scrolls_the_page_to_the_sentence(page: Any, service: Narrated) -> None:
    last = service.sentences[-1]
    assert page.evaluate("window.scrollY") == 0
    page.evaluate(
        "() => document.querySelector('narrator-player').shadowRoot.querySelector('audio').currentTime = "
        f"{last['time_ms'] / 1000 + 0.05}"
    )
    wait_highlight(page, "first boats")
    # Smooth scrolling takes a moment: wait until the sentence sits inside the viewport.
    page.wait_for_function(
        "() => { const r = document.getElementById('last').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }",
        timeout=5_000,
    )
    assert page.evaluate("window.scrollY") > 500


def test_position_is_remembered_per_article(page: Any, service: Narrated) -> None:
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({AUDIO_STATE})().time > 1.5", timeout=15_000)
    page.get_by_role("button", name="Pause").click()
    key = f"narrator-player:position:{service.article_id}"
    # The position is saved on the (asynchronous) pause event: wait for it rather than race it.
    page.wait_for_function(
        f"() => {{ const a = ({AUDIO_STATE})(); const saved = localStorage.getItem('{key}');"
        f" return a.paused && saved !== null && Math.abs(Number(saved) - a.time) <= 0.1; }}",
        timeout=5_000,
    )
    paused_at = audio(page)["time"]
    saved = page.evaluate(f"() => localStorage.getItem('{key}')")
    assert float(saved) == pytest.approx(paused_at, abs=0.1)
    page.reload()
    page.wait_for_function(f"() => ({AUDIO_STATE})().time > 1", timeout=15_000)
    assert audio(page)["time"] == pytest.approx(paused_at, abs=0.2)


def test_keyboard_and_screen_reader_controls(page: Any, service: Narrated) -> None:
    play = page.get_by_role("button", name="Play")
    play.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => !({AUDIO_STATE})().paused", timeout=10_000)
    # The button is relabelled on the (asynchronous) play event: wait for it rather than race it.
    page.get_by_role("button", name="Pause").wait_for(state="visible", timeout=5_000)
    page.keyboard.press("k")  # toggles from anywhere inside the player
    page.wait_for_function(f"() => ({AUDIO_STATE})().paused", timeout=5_000)
    slider = page.get_by_role("slider", name="Seek")
    slider.focus()
    before = audio(page)["time"]
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert audio(page)["time"] >= before + 1
    assert slider.get_attribute("aria-valuetext").endswith(" seconds") and " of " in slider.get_attribute(
        "aria-valuetext"
    )
    for name in ("Back 15 seconds", "Forward 15 seconds"):
        assert page.get_by_role("button", name=name).is_enabled()
    assert page.get_by_role("combobox", name="Playback speed").is_enabled()


def test_listening_is_reported_anonymously(page: Any, service: Narrated) -> None:
    def stats() -> dict[str, Any]:
        """What the publisher's dashboard reads, with its `stats:read` key (the player's beacons carry none)."""
        url = f"{service.base_url}/v1/articles/{service.article_id}/stats"
        answer = httpx.get(url, headers={"Authorization": f"Bearer {service.stats_key}"})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    before = stats()
    page.locator("narrator-player select").select_option("2")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({AUDIO_STATE})().ended", timeout=service.duration_s * 1000 + 15_000)

    for _ in range(50):  # the beacons are asynchronous
        after = stats()
        if after["reached"]["100"] > before["reached"]["100"]:
            break
        page.wait_for_timeout(100)
    assert after["plays"] == before["plays"] + 1
    assert {q: after["reached"][q] - before["reached"][q] for q in ("25", "50", "75", "100")} == {
        "25": 1,
        "50": 1,
        "75": 1,
        "100": 1,
    }
    # Finished: the next visit starts from the beginning.
    assert page.evaluate(f"() => localStorage.getItem('narrator-player:position:{service.article_id}')") is None


def test_mark_fallback_without_the_highlight_api(
    chromium_browser: Any, service: Narrated, publisher_site: tuple[str, Path], tmp_path: Path
) -> None:
    site_url, site_root = publisher_site
    (site_root / "story.html").write_text(PAGE.format(article=service.article_id, base=service.base_url))
    context = chromium_browser.new_context()
    context.add_init_script("delete window.Highlight;")
    page = context.new_page()
    page.goto(f"{site_url}/story.html")
    page.wait_for_selector("narrator-player[data-read-along]", state="attached", timeout=15_000)
    assert page.locator("mark.narrator-sentence").count() >= len(service.sentences)
    assert squash(page.evaluate(HIGHLIGHTED)) == TITLE
    page.get_by_text("Fishermen").click()
    wait_highlight(page, "Fishermen checked")
    target = next(s for s in service.sentences if s["value"].startswith("Fishermen"))
    assert audio(page)["time"] == pytest.approx(target["time_ms"] / 1000, abs=0.3)
    # Wrapping keeps the page's text as it was.
    assert "Fishermen checked their nets under yellow lamps." in squash(page.inner_text("#story"))
    page.screenshot(path=str(tmp_path / "player-mark-fallback.png"))
    context.close()


CURRENT_SOURCE = "() => document.querySelector('narrator-player').shadowRoot.querySelector('audio').currentSrc"


def test_the_player_plays_opus_where_the_browser_can(page: Any) -> None:
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({AUDIO_STATE})().time > 0.5", timeout=15_000)
    assert page.evaluate(CURRENT_SOURCE).split("?")[0].endswith(".opus")


def test_a_browser_without_opus_gets_the_mp3(
    chromium_browser: Any, service: Narrated, publisher_site: tuple[str, Path]
) -> None:
    site_url, site_root = publisher_site
    (site_root / "story.html").write_text(PAGE.format(article=service.article_id, base=service.base_url))
    context = chromium_browser.new_context()
    # A browser that plays only MP3 (old Safari and AAC-less builds answer "" for Ogg).
    context.add_init_script(
        "HTMLMediaElement.prototype.canPlayType = function (type) { return type === 'audio/mpeg' ? 'maybe' : ''; };"
    )
    page = context.new_page()
    page.goto(f"{site_url}/story.html")
    page.wait_for_selector("narrator-player[data-read-along]", state="attached", timeout=15_000)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({AUDIO_STATE})().time > 0.5", timeout=15_000)
    assert page.evaluate(CURRENT_SOURCE).split("?")[0].endswith(".mp3")
    context.close()


def test_embeddable_page_plays(chromium_browser: Any, service: Narrated, tmp_path: Path) -> None:
    context = chromium_browser.new_context(viewport={"width": 640, "height": 120}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{service.base_url}/player/{service.article_id}")
    assert page.locator(".title").inner_text() == TITLE
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({AUDIO_STATE})().time > 0.5", timeout=15_000)
    page.screenshot(path=str(tmp_path / "player-iframe-page.png"))
    assert context.cookies() == []
    context.close()


def test_a_private_articles_embeddable_page_plays_only_signed(
    chromium_browser: Any, service: Narrated, tmp_path: Path
) -> None:
    """The signed player page hands the player signed URLs (player.json, audio, marks); the plain page is refused."""
    article = f"{service.base_url}/v1/articles/{service.article_id}"
    body = {"title": TITLE, "text": "\n\n".join(PARAGRAPHS)}
    cms = {"Authorization": f"Bearer {service.cms_key}"}
    assert httpx.put(article, json={**body, "private": True}, headers=cms).status_code == 200
    try:
        assert httpx.get(f"{service.base_url}/player/{service.article_id}").status_code == 403
        context = chromium_browser.new_context(viewport={"width": 640, "height": 120})
        page = context.new_page()
        page.goto(service.base_url + httpx.get(article, headers=cms).json()["player_url"])
        page.get_by_role("button", name="Play").click()
        page.wait_for_function(f"() => ({AUDIO_STATE})().time > 0.5", timeout=15_000)
        page.screenshot(path=str(tmp_path / "player-private-page.png"))
        context.close()
    finally:
        assert httpx.put(article, json={**body, "private": False}, headers=cms).status_code == 200
