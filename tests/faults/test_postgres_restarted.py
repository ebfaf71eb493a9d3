"""(e) PostgreSQL (a private server of the test's own) restarted mid-narration: every narration ends done."""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import Cluster
from tests.faults.narrations import BOUND_S, assert_one_current_audio, post, wait_done, wait_for
from tests.faults.postgres_server import PostgresServer

pytestmark = pytest.mark.e2e


def test_e_postgresql_restarted_mid_narration(
    cluster_on_private_postgres: Cluster, private_postgres: PostgresServer
) -> None:
    cluster = cluster_on_private_postgres
    locations = [post(cluster, n) for n in range(3)]
    wait_for(cluster, locations[0], lambda n: n["progress"] > 0)
    with cluster.client() as client:
        assert any(client.get(location).json()["status"] != "done" for location in locations)
    private_postgres.stop()  # every open connection is cut; workers and the API see errors
    time.sleep(10)
    private_postgres.start()
    restarted = time.monotonic()
    with cluster.client() as client:
        final = wait_done(client, locations, restarted + BOUND_S)
    assert {n["status"] for n in final.values()} == {"done"}, final
    for narration in final.values():
        assert_one_current_audio(cluster, narration)
    print(f"(e) all three done {time.monotonic() - restarted:.0f} s after the restart")
