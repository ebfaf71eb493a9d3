"""Faults with real processes and default settings: each narration ends `done` within a bound.

(a) kill -9 of a whole worker mid-synthesis, (b) mid-assembly, (c) Redis stopped
for 20 s while ten narrations run, (d) an article posted while Redis is down,
(e) PostgreSQL (a private server of the test's own) restarted mid-narration.
"""

from __future__ import annotations

import hashlib
import time

import pytest

from tests.faults.conftest import Cluster, wait_done
from tests.faults.postgres_server import PostgresServer

pytestmark = pytest.mark.e2e

BOUND_S = 180  # "done within 3 minutes" of the fault's end

PARAGRAPHS = [
    "The harbour was quiet before dawn, and the fishermen checked their nets under yellow lamps.",
    "By seven o'clock the first boats had left for the open sea, and gulls followed them out.",
    "At noon the market opened, and the first catch of the day was sold within the hour.",
    "In the evening the boats came back one by one, and the lamps were lit again along the quay.",
]


def _post(cluster: Cluster, n: int = 0, paragraphs: int = 4) -> str:
    with cluster.client() as client:
        body = {"title": f"Harbour {n}", "text": "\n\n".join(PARAGRAPHS[:paragraphs])}
        response = client.post("/v1/articles", json=body)
    assert response.status_code == 202, response.text
    return response.headers["location"]


def _wait_for(cluster: Cluster, location: str, predicate, timeout_s: float = 120) -> dict:  # type: ignore[no-untyped-def,type-arg]
    deadline = time.monotonic() + timeout_s
    with cluster.client() as client:
        while time.monotonic() < deadline:
            narration = client.get(location).json()
            if predicate(narration):
                return narration  # type: ignore[no-any-return]
            time.sleep(0.3)
    raise TimeoutError(f"{location}: condition not met in {timeout_s} s")


def _assert_one_current_audio(cluster: Cluster, narration: dict) -> None:  # type: ignore[type-arg]
    """The article's audio URL leads to this narration's file, and its bytes are the ones recorded."""
    with cluster.client() as client:
        current = client.get(f"/v1/articles/{narration['article_id']}/audio.mp3", follow_redirects=False)
        assert current.status_code == 307 and current.headers["location"] == narration["audio_url"], current.headers
        audio = client.get(narration["audio_url"]).content
    assert len(audio) == narration["bytes"]
    assert hashlib.sha256(audio).hexdigest() == narration["sha256"]


def test_d_an_article_posted_while_redis_is_down_is_accepted_and_narrated_after(cluster: Cluster) -> None:
    cluster.redis.stop()
    location = _post(cluster, paragraphs=1)
    time.sleep(5)
    cluster.redis.start()
    with cluster.client() as client:
        final = wait_done(client, [location], time.monotonic() + BOUND_S)
    assert final[location]["status"] == "done", final


def test_a_a_worker_killed_mid_synthesis_is_replaced_and_the_narration_finishes(cluster: Cluster) -> None:
    location = _post(cluster)
    _wait_for(cluster, location, lambda n: n["status"] == "running" and n["progress"] > 0)
    cluster.kill("worker1")  # one segment of it was being synthesized there (concurrency 1 each)
    killed = time.monotonic()
    cluster.start_worker("worker3")
    with cluster.client() as client:
        final = wait_done(client, [location], killed + BOUND_S)
    assert final[location]["status"] == "done", final
    _assert_one_current_audio(cluster, final[location])
    print(f"(a) done {time.monotonic() - killed:.0f} s after the kill")


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
    location, killed = caught
    cluster.start_worker("worker3")
    with cluster.client() as client:
        final = wait_done(client, [location], killed + BOUND_S)
    assert final[location]["status"] == "done", final
    _assert_one_current_audio(cluster, final[location])
    print(f"(b) done {time.monotonic() - killed:.0f} s after the kill")


def test_c_redis_stopped_for_20_s_while_ten_narrations_run(cluster: Cluster) -> None:
    locations = [_post(cluster, n, paragraphs=2) for n in range(10)]
    _wait_for(cluster, locations[0], lambda n: n["status"] == "running")
    cluster.redis.stop()  # no persistence: every queued message is lost, as after a Redis crash
    time.sleep(20)
    cluster.redis.start()
    restarted = time.monotonic()
    with cluster.client() as client:
        final = wait_done(client, locations, restarted + BOUND_S)
    assert {n["status"] for n in final.values()} == {"done"}, final
    print(f"(c) all ten done {time.monotonic() - restarted:.0f} s after the restart")


def test_e_postgresql_restarted_mid_narration(
    cluster_on_private_postgres: Cluster, private_postgres: PostgresServer
) -> None:
    cluster = cluster_on_private_postgres
    locations = [_post(cluster, n) for n in range(3)]
    _wait_for(cluster, locations[0], lambda n: n["progress"] > 0)
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
        _assert_one_current_audio(cluster, narration)
    print(f"(e) all three done {time.monotonic() - restarted:.0f} s after the restart")
