"""docker-compose.yml and the Dockerfile stay consistent with the settings."""

from __future__ import annotations

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
