"""What the fault tests do with a cluster: post articles, wait for their narrations, check the audio they end with."""

from __future__ import annotations

import hashlib
import time

import httpx

from tests.faults.conftest import Cluster

BOUND_S = (
    180  # "done within 3 minutes" of the fault's end: the bound production is held to, kept with the shorter window
)

PARAGRAPHS = [
    "The harbour was quiet before dawn, and the fishermen checked their nets under yellow lamps.",
    "By seven o'clock the first boats had left for the open sea, and gulls followed them out.",
    "At noon the market opened, and the first catch of the day was sold within the hour.",
    "In the evening the boats came back one by one, and the lamps were lit again along the quay.",
]


def post(cluster: Cluster, n: int = 0, paragraphs: int = 4) -> str:
    """Post article `n` of `paragraphs` paragraphs; its narration's location."""
    with cluster.client() as client:
        body = {"title": f"Harbour {n}", "text": "\n\n".join(PARAGRAPHS[:paragraphs])}
        response = client.post("/v1/articles", json=body)
    assert response.status_code == 202, response.text
    return response.headers["location"]


def wait_for(cluster: Cluster, location: str, predicate, timeout_s: float = 120) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The narration at `location` once `predicate` holds for it."""
    deadline = time.monotonic() + timeout_s
    with cluster.client() as client:
        while time.monotonic() < deadline:
            narration = client.get(location).json()
            if predicate(narration):
                return narration  # type: ignore[no-any-return]
            time.sleep(0.3)
    raise TimeoutError(f"{location}: condition not met in {timeout_s} s")


def wait_done(client: httpx.Client, locations: list[str], deadline: float) -> dict[str, dict]:  # type: ignore[type-arg]
    """Poll narrations until every one is done or failed, or `deadline` (monotonic) passes."""
    final: dict[str, dict] = {}  # type: ignore[type-arg]
    while time.monotonic() < deadline and len(final) < len(locations):
        for location in locations:
            if location in final:
                continue
            try:
                narration = client.get(location).json()
            except httpx.TransportError:
                continue
            if narration["status"] in ("done", "failed"):
                final[location] = narration
        time.sleep(0.5)
    missing = [loc for loc in locations if loc not in final]
    assert not missing, f"not finished in time: {missing}"
    return final


def assert_one_current_audio(cluster: Cluster, narration: dict) -> None:  # type: ignore[type-arg]
    """The article's audio URL leads to this narration's file, and its bytes are the ones recorded."""
    with cluster.client() as client:
        current = client.get(f"/v1/articles/{narration['article_id']}/audio.mp3", follow_redirects=False)
        assert current.status_code == 307 and current.headers["location"] == narration["audio_url"], current.headers
        audio = client.get(narration["audio_url"]).content
    assert len(audio) == narration["bytes"]
    assert hashlib.sha256(audio).hexdigest() == narration["sha256"]


def assert_a_new_worker_finishes_it(cluster: Cluster, location: str, killed: float, fault: str) -> None:
    """After a kill at `killed` (monotonic): a new worker starts, and the narration ends done within the bound,
    its audio the article's current one."""
    cluster.start_worker("worker3")
    with cluster.client() as client:
        final = wait_done(client, [location], killed + BOUND_S)
    assert final[location]["status"] == "done", final
    assert_one_current_audio(cluster, final[location])
    print(f"({fault}) done {time.monotonic() - killed:.0f} s after the kill")
