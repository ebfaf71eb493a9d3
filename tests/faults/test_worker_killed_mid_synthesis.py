"""(a) kill -9 of a whole worker mid-synthesis: the reconciler re-dispatches its segment to another worker."""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import Cluster
from tests.faults.narrations import assert_a_new_worker_finishes_it, post, wait_for

pytestmark = pytest.mark.e2e


def test_a_a_worker_killed_mid_synthesis_is_replaced_and_the_narration_finishes(cluster: Cluster) -> None:
    location = post(cluster)
    wait_for(cluster, location, lambda n: n["status"] == "running" and n["progress"] > 0)
    cluster.kill("worker1")  # one segment of it was being synthesized there (concurrency 1 each)
    assert_a_new_worker_finishes_it(cluster, location, time.monotonic(), "a")
