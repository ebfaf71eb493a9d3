"""Listening stats over time: per day for an article and a feed, and the most played articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from service.core.db import session_scope
from service.core.models import ListenEvent
from service.core.settings import Settings
from tests.api.test_feeds import FEED


def article(client: TestClient, title: str, feed: str | None = None) -> str:
    response = client.post("/v1/articles", json={"title": title, "text": "Body.", **({"feed": feed} if feed else {})})
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def listened(settings: Settings, article_id: str, days_ago: int, kinds: list[str]) -> None:
    """Events of `kinds` for the article, `days_ago` days before now (at noon UTC, so the day is certain)."""
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
    with session_scope(settings.database_url) as session:
        session.add_all(ListenEvent(article_id=article_id, kind=kind, created_at=noon) for kind in kinds)


def test_an_article_counts_per_day_with_empty_days(client: TestClient, settings: Settings) -> None:
    story = article(client, "Story")
    listened(settings, story, 2, ["play", "play", "p25", "p50"])
    listened(settings, story, 0, ["play", "p25", "p50", "p75", "p100"])
    listened(settings, story, 40, ["play"])  # outside the window
    stats = client.get(f"/v1/articles/{story}/stats/daily", params={"days": 3}).json()
    today = datetime.now(UTC).date()
    assert (stats["first"], stats["last"]) == (str(today - timedelta(days=2)), str(today))
    assert [(d["day"], d["plays"]) for d in stats["days"]] == [
        (str(today - timedelta(days=2)), 2),
        (str(today - timedelta(days=1)), 0),
        (str(today), 1),
    ]
    assert stats["days"][0]["reached"] == {"25": 1, "50": 1, "75": 0, "100": 0}
    assert (stats["plays"], stats["reached"]) == (3, {"25": 2, "50": 2, "75": 1, "100": 1})


def test_a_feed_sums_its_articles(client: TestClient, settings: Settings) -> None:
    assert client.post("/v1/feeds", json=FEED).status_code == 201
    first, second, elsewhere = article(client, "A", "daily"), article(client, "B", "daily"), article(client, "C")
    for story in (first, second, elsewhere):
        listened(settings, story, 1, ["play", "p25"])
    stats = client.get("/v1/feeds/daily/stats/daily", params={"days": 7}).json()
    assert len(stats["days"]) == 7
    assert (stats["plays"], stats["reached"]["25"]) == (2, 2)


def test_the_most_played_articles_come_first(client: TestClient, settings: Settings) -> None:
    quiet, loud = article(client, "Quiet"), article(client, "Loud")
    listened(settings, quiet, 1, ["play"])
    listened(settings, loud, 1, ["play", "play", "play", "p25"])
    played = client.get("/v1/stats/most-played", params={"days": 7}).json()
    assert [(p["article_id"], p["title"], p["plays"]) for p in played] == [(loud, "Loud", 3), (quiet, "Quiet", 1)]


def test_unknown_feeds_and_articles_and_long_windows_are_refused(client: TestClient) -> None:
    assert client.get("/v1/feeds/nope/stats/daily").json()["code"] == "not_found"
    assert client.get("/v1/articles/nope/stats/daily").json()["code"] == "not_found"
    assert client.get("/v1/stats/most-played", params={"feed": "nope"}).json()["code"] == "not_found"
    response = client.get("/v1/stats/most-played", params={"days": 1000})
    assert (response.status_code, response.json()["code"]) == (422, "validation_failed")
