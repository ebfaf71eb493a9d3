"""Two real `narrator serve` processes on one Redis count one client's requests together."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from service.core.settings import Settings
from tests.api.test_access import make_key
from tests.processes import NARRATOR, free_port, running, service_env

pytestmark = pytest.mark.e2e


def test_two_api_processes_share_the_count_in_redis(tmp_path: Path, redis_url: str) -> None:
    env = service_env(
        tmp_path / "data",
        NARRATOR_BROKER_URL=redis_url.rsplit("/", 1)[0] + "/4",  # the counters live in the broker's Redis
        NARRATOR_RATE_LIMIT_PER_KEY="4/minute",
    )
    ports = [free_port(), free_port()]
    # One after the other: the first migrates the shared embedded database.
    with running([[NARRATOR, "serve", "--no-worker", "--port", str(ports[0])]], env, ports[0], tmp_path / "a"):
        key = {"Authorization": f"Bearer {make_key(Settings(data_dir=tmp_path / 'data'), ['admin'])}"}
        with running([[NARRATOR, "serve", "--no-worker", "--port", str(ports[1])]], env, ports[1], tmp_path / "b"):
            urls = [f"http://127.0.0.1:{port}/v1/feeds" for port in ports]
            answers = [httpx.get(urls[i % 2], headers=key, timeout=10) for i in range(4)]
            assert [a.status_code for a in answers] == [200, 200, 200, 200]
            assert [a.headers["ratelimit"].split(";")[1] for a in answers] == ["r=3", "r=2", "r=1", "r=0"]
            for url in urls:
                refused = httpx.get(url, headers=key, timeout=10)
                assert refused.status_code == 429
                assert refused.json()["code"] == "rate_limited"
                assert int(refused.headers["retry-after"]) >= 1
