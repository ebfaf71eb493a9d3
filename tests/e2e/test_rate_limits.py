"""Two real `narrator serve` processes on one Redis count one client's requests together."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from service.core.settings import Settings
from tests.api.test_access import make_key
from tests.api.test_stats import BEACON, beacon
from tests.processes import NARRATOR, free_port, running, service_env

pytestmark = pytest.mark.e2e


@dataclass
class TwoApis:
    urls: list[str]
    key: dict[str, str]  # unused until a test counts with it
    article_id: str


@pytest.fixture(scope="module")
def two_apis(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[TwoApis]:
    """Two API processes with one data directory and one Redis, an admin key, an article, low limits."""
    tmp_path = tmp_path_factory.mktemp("two-apis")
    env = service_env(
        tmp_path / "data",
        NARRATOR_BROKER_URL=redis_url.rsplit("/", 1)[0] + "/4",  # the counters live in the broker's Redis
        NARRATOR_RATE_LIMIT_PER_KEY="4/minute",
        NARRATOR_RATE_LIMIT_PER_ADDRESS="2/minute",
    )
    ports = [free_port(), free_port()]
    # One after the other: the first migrates the shared embedded database.
    with running([[NARRATOR, "serve", "--no-worker", "--port", str(ports[0])]], env, ports[0], tmp_path / "a"):
        settings = Settings(data_dir=tmp_path / "data")
        key, editor = ({"Authorization": f"Bearer {make_key(settings, ['admin'])}"} for _ in range(2))
        article = httpx.post(f"http://127.0.0.1:{ports[0]}/v1/articles", json={"text": "Hello."}, headers=editor)
        with running([[NARRATOR, "serve", "--no-worker", "--port", str(ports[1])]], env, ports[1], tmp_path / "b"):
            yield TwoApis([f"http://127.0.0.1:{port}" for port in ports], key, article.json()["id"])


def test_two_api_processes_share_a_keys_count(two_apis: TwoApis) -> None:
    answers = [httpx.get(f"{two_apis.urls[i % 2]}/v1/feeds", headers=two_apis.key, timeout=10) for i in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert [a.headers["ratelimit"].split(";")[1] for a in answers] == ["r=3", "r=2", "r=1", "r=0"]
    for url in two_apis.urls:
        refused = httpx.get(f"{url}/v1/feeds", headers=two_apis.key, timeout=10)
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert int(refused.headers["retry-after"]) >= 1


def test_the_address_a_trusted_proxy_names_is_counted(two_apis: TwoApis) -> None:
    """Loopback is the trusted proxy by default (NARRATOR_FORWARDED_ALLOW_IPS): X-Forwarded-For names the client."""

    def post(url: str, client: str, kind: str, listen: int) -> int:
        headers = {**BEACON, "X-Forwarded-For": client}
        answer = httpx.post(
            f"{url}/v1/articles/{two_apis.article_id}/events", content=beacon(kind, listen), headers=headers
        )
        return answer.status_code

    one, two = two_apis.urls
    assert [post(one, "198.51.100.1", "play", 1), post(two, "198.51.100.1", "25", 1)] == [204, 204]
    assert post(one, "198.51.100.1", "50", 1) == 429
    assert post(two, "198.51.100.2", "play", 2) == 204
