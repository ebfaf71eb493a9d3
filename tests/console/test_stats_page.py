"""The console's stats page: plays and quartiles over time as inline SVG charts, per project, feed and article."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from lxml import etree

from service.core.settings import Settings
from tests.api.test_feeds import FEED
from tests.api.test_stats_daily import article, listened
from tests.console.conftest import make_key, sign_in

SVG = "{http://www.w3.org/2000/svg}"


def charts(html: str) -> list[etree._Element]:
    """Every inline SVG chart of the page, parsed as XML (so each must be well-formed)."""
    return [
        etree.fromstring(svg)
        for svg in re.findall(r"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart .*?</svg>", html, flags=re.S)
    ]


def test_the_charts_show_plays_and_quartiles_per_day(client: TestClient, settings: Settings) -> None:
    story = article(client, "Harbour")
    listened(settings, story, 1, ["play", "play", "play", "play", "p25", "p25", "p50", "p100"])
    page = client.get("/console/stats", params={"days": 7})
    assert page.status_code == 200
    daily, quartiles = charts(page.text)[:2]
    assert daily.get("role") == "img" and quartiles.get("role") == "img"
    assert len(daily.findall(f"{SVG}rect")) == 7  # a bar a day
    assert len(daily.findall(f"{SVG}polyline")) == 4  # a line a quartile
    assert daily.findtext(f"{SVG}desc").startswith("4 plays from")
    assert "25 % reached by 2, 50 % reached by 1, 75 % reached by 0, 100 % reached by 1" in daily.findtext(f"{SVG}desc")
    assert quartiles.findtext(f"{SVG}desc").startswith("25 % reached by 2 of 4 plays (50 %)")
    assert "<strong>4</strong> plays" in page.text and "<strong>25 %</strong> heard to the end" in page.text
    assert f'href="/console/stats?article={story}&amp;days=7">Harbour</a>: 4 plays' in page.text


def test_each_feed_has_its_chart_and_a_feed_can_be_chosen(client: TestClient, settings: Settings) -> None:
    assert client.post("/v1/feeds", json=FEED).status_code == 201
    in_feed, elsewhere = article(client, "In the feed", "daily"), article(client, "Elsewhere")
    listened(settings, in_feed, 0, ["play", "play"])
    listened(settings, elsewhere, 0, ["play"])
    overview = client.get("/console/stats").text
    assert "By feed" in overview and "Feed The Daily Paper, read aloud: plays and quartiles reached per day" in overview
    chosen = client.get("/console/stats", params={"feed": "daily"}).text
    daily = charts(chosen)[0]
    assert daily.findtext(f"{SVG}desc").startswith("2 plays")
    assert "In the feed" in chosen and "Elsewhere</a>" not in chosen


def test_one_articles_chart(client: TestClient, settings: Settings) -> None:
    story, other = article(client, "Story"), article(client, "Other")
    listened(settings, story, 2, ["play"])
    listened(settings, other, 2, ["play", "play"])
    page = client.get("/console/stats", params={"article": story}).text
    assert '<h2 id="subject-heading">Article: Story</h2>' in page
    assert charts(page)[0].findtext(f"{SVG}desc").startswith("1 plays")


def test_a_key_without_stats_read_is_told_it_needs_the_scope(client: TestClient, settings: Settings) -> None:
    sign_in(client, make_key(settings, ["articles:read"]))
    page = client.get("/console/stats")
    assert page.status_code == 200
    assert "<code>stats:read</code> scope; this key lacks it" in page.text and "<svg" not in page.text


def test_an_unknown_feed_is_a_404(client: TestClient) -> None:
    assert client.get("/console/stats", params={"feed": "nope"}).status_code == 404
