"""(c) Redis stopped for 20 s while ten narrations run: every queued message is lost, every narration ends done."""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import Cluster
from tests.faults.narrations import BOUND_S, post, wait_done, wait_for

pytestmark = pytest.mark.e2e


def test_c_redis_stopped_for_20_s_while_ten_narrations_run(cluster: Cluster) -> None:
    locations = [post(cluster, n, paragraphs=2) for n in range(10)]
    wait_for(cluster, locations[0], lambda n: n["status"] == "running")
    cluster.redis.stop()  # no persistence: every queued message is lost, as after a Redis crash
    time.sleep(20)
    cluster.redis.start()
    restarted = time.monotonic()
    with cluster.client() as client:
        final = wait_done(client, locations, restarted + BOUND_S)
    assert {n["status"] for n in final.values()} == {"done"}, final
    print(f"(c) all ten done {time.monotonic() - restarted:.0f} s after the restart")
