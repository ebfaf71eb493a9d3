"""(d) An article posted while Redis is down is accepted (the outbox keeps its dispatch) and narrated after."""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import Cluster
from tests.faults.narrations import BOUND_S, post, wait_done

pytestmark = pytest.mark.e2e


def test_d_an_article_posted_while_redis_is_down_is_accepted_and_narrated_after(cluster: Cluster) -> None:
    cluster.redis.stop()
    location = post(cluster, paragraphs=1)
    time.sleep(5)
    cluster.redis.start()
    with cluster.client() as client:
        final = wait_done(client, [location], time.monotonic() + BOUND_S)
    assert final[location]["status"] == "done", final
