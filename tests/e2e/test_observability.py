"""Observability of a real deployment in small: Redis, a `narrator worker` with two pool processes, the API.

The worker serves its own /metrics (NARRATOR_WORKER_METRICS_PORT), summed over
its pool processes; the API serves requests, narrations and queue depth; both
log JSON lines carrying the ids of what they work on.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.core.queue import ALL_QUEUES, PRIORITY_QUEUES, make_celery, queue_depths
from service.core.settings import Settings
from tests.processes import (
    CMS_SCOPES,
    NARRATOR,
    bearer,
    create_key,
    free_port,
    running,
    service_env,
    wait_for_narration,
)

pytestmark = pytest.mark.e2e

VOICE = "en_US-joe-medium"
ARTICLE = {
    "title": "Counting what the workers do",
    "text": "The first paragraph is short.\n\nThe second one is short as well.\n\nAnd a third closes it.",
}
REQUEST_ID = "e2e-observability-1"

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(url: str, key: str | None = None) -> Samples:
    """The samples at `url`; the API's /metrics needs a `metrics:read` key, a worker's exporter none."""
    response = httpx.get(url, timeout=10, headers=bearer(key) if key else {})
    assert response.status_code == 200, response.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def json_lines(log: Path) -> list[dict]:
    """Every line of a process's output, each parsed as one JSON object (a line that is not one fails)."""
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


@dataclass
class Observed:
    api: str
    worker_metrics: str
    logs: Path
    cms_key: str  # articles:read and articles:write
    prometheus_key: str  # metrics:read only


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Observed]:
    tmp_path = tmp_path_factory.mktemp("observability")
    port, metrics_port = free_port(), free_port()
    env = service_env(
        tmp_path / "data",
        NARRATOR_BROKER_URL=redis_url.rsplit("/", 1)[0] + "/2",
        NARRATOR_LOG_FORMAT="json",
        NARRATOR_WORKER_METRICS_PORT=str(metrics_port),
    )
    cmds = [
        [NARRATOR, "worker", "--concurrency", "2"],
        [NARRATOR, "serve", "--no-worker", "--port", str(port)],
    ]
    with running(cmds, env, port, tmp_path / "logs") as (worker, _api):
        metrics_dirs = list(Path(tempfile.gettempdir()).glob(f"narrator-worker-metrics-{worker.pid}-*"))
        assert len(metrics_dirs) == 1 and any(metrics_dirs[0].glob("*.db"))  # the pool processes' files
        cms, prometheus = create_key(env, CMS_SCOPES, "cms"), create_key(env, ("metrics:read",), "prometheus")
        api, worker_metrics = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{metrics_port}/metrics"
        yield Observed(api, worker_metrics, tmp_path / "logs", cms, prometheus)
    # Stopped (warm shutdown, pool processes ended): still nothing but JSON lines, and its metrics files gone.
    stopped = json_lines(tmp_path / "logs" / "proc0.log")
    assert any(line["event"] == "worker: Warm shutdown (MainProcess)" for line in stopped)
    json_lines(tmp_path / "logs" / "proc1.log")
    assert not metrics_dirs[0].exists()


@pytest.fixture(scope="module")
def narrated(observed: Observed) -> dict:
    """One narration through the real worker, then the same article again (every segment cached)."""
    with httpx.Client(base_url=observed.api, timeout=30, headers=bearer(observed.cms_key)) as client:
        created = client.post("/v1/articles", json=ARTICLE, headers={"X-Request-ID": REQUEST_ID})
        assert created.status_code == 202, created.text
        assert created.headers["x-request-id"] == REQUEST_ID
        first = wait_for_narration(client, created.headers["location"], timeout_s=300)
        assert first["status"] == "done", first["error"]
        again = client.post(f"/v1/articles/{created.json()['id']}/narrations", json={})
        assert again.status_code == 202, again.text
        second = wait_for_narration(client, again.headers["location"], timeout_s=300)
        assert second["status"] == "done", second["error"]
    return {"article_id": created.json()["id"], "first": first, "second": second}


def test_the_worker_counts_the_narration_with_its_voice(observed: Observed, narrated: dict) -> None:
    worker = scrape(observed.worker_metrics)
    assert value(worker, "narrator_narrations_finished_total", voice=VOICE, status="done") == 2
    assert value(worker, "narrator_narrations_finished_total", voice=VOICE, status="failed") == 0
    assert value(worker, "narrator_assembly_seconds_count") == 2
    assert value(worker, "narrator_tasks_total", task="narrator.narrate", state="succeeded") == 2


def test_the_worker_observed_synthesis_time_and_the_real_time_factor_of_each_segment(
    observed: Observed, narrated: dict
) -> None:
    worker = scrape(observed.worker_metrics)
    segments = narrated["first"]["segments"]["total"]
    assert segments >= 4  # the title and three paragraphs
    # Two pool processes took the segments; the exporter sums their files.
    assert value(worker, "narrator_segment_synthesis_seconds_count", voice=VOICE) == segments
    assert value(worker, "narrator_segment_synthesis_seconds_sum", voice=VOICE) > 0
    audio_s = value(worker, "narrator_segment_audio_seconds_total", voice=VOICE)
    assert 0 < audio_s <= narrated["first"]["duration_s"]  # the narration adds pauses between segments
    assert value(worker, "narrator_segment_real_time_factor_count", voice=VOICE) == segments
    assert value(worker, "narrator_tasks_total", task="narrator.synthesize_segment", state="succeeded") == segments


def test_the_second_narration_of_the_same_text_hits_the_segment_cache(observed: Observed, narrated: dict) -> None:
    worker = scrape(observed.worker_metrics)
    segments = narrated["first"]["segments"]["total"]
    assert narrated["second"]["segments"]["cached"] == segments
    assert value(worker, "narrator_segment_cache_misses_total") == segments
    assert value(worker, "narrator_segment_cache_hits_total") == segments


def test_the_api_shows_the_queues_empty_and_the_narrations_done(observed: Observed, narrated: dict) -> None:
    api = scrape(f"{observed.api}/metrics", observed.prometheus_key)
    for queue in ALL_QUEUES.split(","):
        assert value(api, "narrator_queue_depth", queue=queue) == 0
    assert value(api, "narrator_scrape_source_up", source="broker") == 1
    assert value(api, "narrator_narrations", status="done") == 2
    assert value(api, "narrator_narrations", status="queued") == 0
    # Both versions are the same file (content-addressed): counted once.
    assert value(api, "narrator_storage_bytes", kind="narrations") == narrated["first"]["bytes"]
    assert value(api, "narrator_http_requests_total", method="POST", route="/v1/articles", status="202") == 1


def test_the_workers_json_log_lines_carry_the_narration_and_the_request_that_asked_for_it(
    observed: Observed, narrated: dict
) -> None:
    lines = json_lines(observed.logs / "proc0.log")  # the worker: every line is one JSON object
    narration_id = narrated["first"]["id"]
    about = [line for line in lines if line.get("narration_id") == narration_id]
    assert about, "no worker log line names the narration"
    assert {line["request_id"] for line in about} == {REQUEST_ID}
    assert {line["article_id"] for line in about if "article_id" in line} == {narrated["article_id"]}
    planned = next(line for line in about if line["event"].startswith(f"narration {narration_id}: "))
    assert planned["task"] == "narrator.narrate" and planned["level"] == "info"
    # Segment tasks carry their segment key and the narration that dispatched them.
    assert any(line.get("segment") and line.get("task") == "narrator.synthesize_segment" for line in about)


def test_the_apis_json_log_has_the_request_line(observed: Observed, narrated: dict) -> None:
    lines = json_lines(observed.logs / "proc1.log")
    posted = next(line for line in lines if line.get("request_id") == REQUEST_ID and line.get("method") == "POST")
    assert posted["route"] == "/v1/articles" and posted["status"] == 202


def test_queue_depth_on_redis_counts_waiting_messages(redis_url: str) -> None:
    """Messages no worker takes (its own Redis database): LLEN of the queue's keys."""
    settings = Settings(broker_url=redis_url.rsplit("/", 1)[0] + "/3")
    app = make_celery(settings)
    for priority in (None, 9):  # a message with a priority goes to another key of the same queue
        app.send_task("narrator.nothing", queue=PRIORITY_QUEUES["backfill"], priority=priority)
    try:
        assert queue_depths(app) == {"narrator.urgent": 0, "narrator.now": 0, "narrator.backfill": 2}
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(PRIORITY_QUEUES["backfill"])
