"""Two projects: each key sees only its own articles, feeds, lexicon, webhooks and stats; the other's are 404."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.core.settings import Settings
from tests.api.test_access import make_key

FEED = {
    "title": "News",
    "description": "The news",
    "author": "Desk",
    "owner_email": "desk@example.com",
    "category": "News",
}


def _fill(client: TestClient, auth: dict[str, str], name: str) -> dict[str, str]:
    article = client.post("/v1/articles", json={"title": name, "text": f"Hello from {name}."}, headers=auth)
    assert article.status_code == 202, article.text
    feed = client.post("/v1/feeds", json={**FEED, "slug": f"feed-{name}"}, headers=auth)
    assert feed.status_code == 201, feed.text
    entry = client.put(f"/v1/lexicon/entries/{name}", json={"alias": name.upper()}, headers=auth)
    assert entry.status_code == 200, entry.text
    hook = client.post("/v1/webhooks", json={"url": "https://93.184.215.14/x"}, headers=auth)
    assert hook.status_code == 201, hook.text
    return {
        "article": article.json()["id"],
        "narration": article.headers["location"].rsplit("/", 1)[1],
        "feed": f"feed-{name}",
        "term": name,
        "hook": hook.json()["id"],
    }


def test_each_key_sees_only_its_own_project(client: TestClient, settings: Settings) -> None:
    a = {"Authorization": f"Bearer {make_key(settings, ['admin'], project='alpha')}"}
    b = {"Authorization": f"Bearer {make_key(settings, ['admin'], project='beta')}"}
    mine, theirs = _fill(client, a, "alpha"), _fill(client, b, "beta")

    # Lists hold only the caller's own.
    assert [f["slug"] for f in client.get("/v1/feeds", headers=a).json()] == ["feed-alpha"]
    assert [e["term"] for e in client.get("/v1/lexicon/entries", headers=a).json()] == ["alpha"]
    assert [h["id"] for h in client.get("/v1/webhooks", headers=a).json()] == [mine["hook"]]
    assert [k["project_id"] for k in client.get("/v1/keys", headers=a).json()] == ["alpha"]

    # The other project's objects are not found, read or written.
    for method, path in [
        ("GET", f"/v1/articles/{theirs['article']}"),
        ("PUT", f"/v1/articles/{theirs['article']}"),
        ("DELETE", f"/v1/articles/{theirs['article']}"),
        ("POST", f"/v1/articles/{theirs['article']}/narrations"),
        ("GET", f"/v1/articles/{theirs['article']}/narrations"),
        ("GET", f"/v1/articles/{theirs['article']}/stats"),
        ("GET", f"/v1/narrations/{theirs['narration']}"),
        ("GET", f"/v1/narrations/{theirs['narration']}/review"),
        ("GET", f"/v1/feeds/{theirs['feed']}"),
        ("DELETE", f"/v1/feeds/{theirs['feed']}/cover"),
        ("GET", f"/v1/lexicon/entries?feed={theirs['feed']}"),
        ("PUT", f"/v1/lexicon/entries/x?feed={theirs['feed']}"),
        ("DELETE", f"/v1/lexicon/entries/{theirs['term']}"),
        ("GET", f"/v1/webhooks/{theirs['hook']}"),
        ("GET", f"/v1/webhooks/{theirs['hook']}/deliveries"),
        ("DELETE", f"/v1/webhooks/{theirs['hook']}"),
    ]:
        body = {"text": "x"} if method == "PUT" and "articles" in path else {"alias": "x"} if method == "PUT" else None
        answer = client.request(method, path, headers=a, json=body)
        assert answer.status_code == 404, f"{method} {path}: {answer.status_code} {answer.text}"
    # Nor used: an article or webhook in the other project's feed.
    assert client.post("/v1/articles", json={"text": "x", "feed": theirs["feed"]}, headers=a).status_code == 404
    # Their things are all still there for them.
    assert client.get(f"/v1/articles/{theirs['article']}", headers=b).status_code == 200
    assert client.get(f"/v1/articles/{theirs['article']}/stats", headers=b).status_code == 200
    assert client.get(f"/v1/webhooks/{theirs['hook']}", headers=b).status_code == 200
    assert [e["term"] for e in client.get("/v1/lexicon/entries", headers=b).json()] == ["beta"]
    # The same external_id in two projects names two articles.
    one = client.post("/v1/articles", json={"text": "One.", "external_id": "e-1"}, headers=a).json()["id"]
    two = client.post("/v1/articles", json={"text": "Two.", "external_id": "e-1"}, headers=b).json()["id"]
    assert one != two


def test_a_feed_slug_is_one_projects_across_the_service(client: TestClient, settings: Settings) -> None:
    """`/feeds/{slug}.xml` is public and names no project: a slug taken by one project is no one else's."""
    a = {"Authorization": f"Bearer {make_key(settings, ['admin'], project='alpha')}"}
    b = {"Authorization": f"Bearer {make_key(settings, ['admin'], project='beta')}"}
    assert client.post("/v1/feeds", json={**FEED, "slug": "tide"}, headers=a).status_code == 201
    taken = client.post("/v1/feeds", json={**FEED, "slug": "tide"}, headers=b)
    assert (taken.status_code, taken.json()["code"]) == (409, "duplicate_feed")
    assert client.put("/v1/lexicon/entries/x?feed=tide", json={"alias": "y"}, headers=b).status_code == 404


def test_a_slug_named_before_its_feed_exists_is_that_projects(client: TestClient, settings: Settings) -> None:
    """Articles may name a feed before it is created; another project cannot then take the slug and inherit
    the first one's pronunciations and external ids."""
    a = {"Authorization": f"Bearer {make_key(settings, ['admin'], project='alpha')}"}
    b = {"Authorization": f"Bearer {make_key(settings, ['admin'], project='beta')}"}
    posted = client.post("/v1/articles", json={"text": "Hi.", "feed": "harbor", "external_id": "e-1"}, headers=b)
    assert posted.status_code == 202
    assert client.put("/v1/lexicon/entries/quay?feed=harbor", json={"alias": "key"}, headers=b).status_code == 200
    taken = client.post("/v1/feeds", json={**FEED, "slug": "harbor"}, headers=a)
    assert (taken.status_code, taken.json()["code"]) == (409, "duplicate_feed")
    for method, path, body in [
        ("POST", "/v1/articles", {"text": "Hi.", "feed": "harbor", "external_id": "e-1"}),
        ("GET", "/v1/lexicon/entries?feed=harbor", None),
        ("PUT", "/v1/lexicon/entries/quay?feed=harbor", {"alias": "kway"}),
    ]:
        answer = client.request(method, path, json=body, headers=a)
        assert answer.status_code == 404, f"{method} {path}: {answer.status_code} {answer.text}"
    # Its user creates the feed and keeps everything it had.
    assert client.post("/v1/feeds", json={**FEED, "slug": "harbor"}, headers=b).status_code == 201
    assert [e["term"] for e in client.get("/v1/lexicon/entries?feed=harbor", headers=b).json()] == ["quay"]
