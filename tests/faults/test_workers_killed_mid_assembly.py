"""(b) kill -9 of both workers mid-assembly: the reconciler re-dispatches the assembly to a new worker."""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import Cluster
from tests.faults.narrations import PARAGRAPHS, assert_a_new_worker_finishes_it

pytestmark = pytest.mark.e2e


def _kill_both_when_assembling(cluster: Cluster, n: int) -> tuple[str, float] | None:
    """Post a 12-paragraph article and kill both workers once its last segment is done (progress 0.99: from then
    until the audio is published it is in assembly, dispatched or running). (location, kill time), or None if
    the assembly had already finished at the kill: then both workers are started again for another try."""
    body = {"title": f"Harbour {n}", "text": "\n\n".join(f"Part {i}. {p}" for i in range(3) for p in PARAGRAPHS)}
    with cluster.client() as client:
        location = client.post("/v1/articles", json=body).headers["location"]
        deadline = time.monotonic() + 120
        while (narration := client.get(location).json())["progress"] < 0.99 and narration["status"] != "done":
            assert time.monotonic() < deadline, narration
            time.sleep(0.01)
        cluster.kill("worker1")
        cluster.kill("worker2")
        killed = time.monotonic()
        if client.get(location).json()["status"] != "done":
            return location, killed
    cluster.start_worker("worker1")
    cluster.start_worker("worker2")
    return None


def test_b_workers_killed_mid_assembly_are_replaced_and_the_narration_finishes(cluster: Cluster) -> None:
    # The assembly can take less time than one poll on an idle machine: a missed window is tried again.
    caught = next(filter(None, (_kill_both_when_assembling(cluster, n) for n in range(5))), None)
    if caught is None:
        pytest.fail("the assembly finished before the kill five times: nothing was tested")
    assert_a_new_worker_finishes_it(cluster, *caught, "b")
