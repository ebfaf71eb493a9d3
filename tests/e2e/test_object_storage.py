"""No shared disk: the API and a worker with different data directories share only Redis, the database and
an S3 bucket (a real SeaweedFS). A narration made by the worker is streamed live by the API from the bucket,
then listeners are sent to the bucket itself."""

from __future__ import annotations

import io
import os
import subprocess
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import feedparser
import httpx
import pytest
import soundfile as sf
from sqlalchemy import create_engine, text

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
from tests.s3server import S3Server

pytestmark = pytest.mark.e2e

POSTGRES_ADMIN_URL = os.environ.get(
    "NARRATOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ARTICLE = {
    "title": "Ferry timetable",
    "text": "The ferries run on the winter timetable from Monday.\n\n"
    "The new pier should open before the end of the month, the harbor master said.",
    "feed": "harbor",
}


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh PostgreSQL database both processes reach; a SQLite file only when PostgreSQL is unreachable."""
    name = f"narrator_e2e_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:
        if os.environ.get("NARRATOR_REQUIRE_POSTGRES"):
            raise
        yield f"sqlite:///{tmp_path_factory.mktemp('shared-db') / 'narrator.db'}"
        return
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@dataclass(frozen=True)
class Split:
    base_url: str
    api_data: Path
    worker_data: Path
    bucket: str
    s3: S3Server
    key: str  # a publisher's: articles and feeds


@pytest.fixture(scope="module")
def split_service(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str, database_url: str, s3_server: S3Server
) -> Iterator[Split]:
    tmp = tmp_path_factory.mktemp("no-shared-disk")
    bucket = f"narrator-e2e-{uuid.uuid4().hex[:8]}"  # not made here: the services create it
    shared = {
        "NARRATOR_BROKER_URL": redis_url.rsplit("/", 1)[0] + "/2",
        "NARRATOR_DATABASE_URL": database_url,
        "NARRATOR_STORAGE_URL": f"s3://{bucket}/media",
        **s3_server.env(),
    }
    api_data, worker_data = tmp / "api-data", tmp / "worker-data"
    port = free_port()
    cmds = [[NARRATOR, "worker"], [NARRATOR, "serve", "--no-worker", "--port", str(port)]]
    envs = [service_env(worker_data, **shared), service_env(api_data, **shared)]
    # As in production: the shared database is migrated once before the API and workers start.
    subprocess.run([NARRATOR, "migrate"], env=envs[0], check=True, capture_output=True, timeout=120)
    with running(cmds, envs, port, tmp / "logs"):
        key = create_key(envs[1], (*CMS_SCOPES, "feeds:write"), name="publisher")
        yield Split(f"http://127.0.0.1:{port}", api_data, worker_data, bucket, s3_server, key)


def test_a_narration_travels_through_the_bucket_only(split_service: Split) -> None:
    with (
        httpx.Client(base_url=split_service.base_url, timeout=30, headers=bearer(split_service.key)) as client,
        httpx.Client(base_url=split_service.base_url, timeout=30) as anonymous,
    ):
        assert client.get("/readyz").json()["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}
        feed = {"slug": "harbor", "title": "Harbor", "description": "News", "language": "en", "author": "Desk"}
        feed |= {"owner_email": "desk@example.com", "category": "News"}
        made = client.post("/v1/feeds", json=feed)
        assert made.status_code == 201, made.text
        created = client.post("/v1/articles", json=ARTICLE)
        assert created.status_code == 202, created.text
        article_id = created.json()["id"]

        # The API streams the live narration from the segments the worker puts in the bucket.
        live = bytearray()

        def listen() -> None:
            with httpx.stream("GET", f"{split_service.base_url}/v1/articles/{article_id}/live.mp3", timeout=600) as r:
                if r.status_code == 200:
                    for chunk in r.iter_bytes():
                        live.extend(chunk)

        listener = threading.Thread(target=listen)
        listener.start()
        narration = wait_for_narration(client, created.headers["location"])
        listener.join(timeout=120)
        assert narration["status"] == "done", narration
        # Listeners send no key.
        audio = anonymous.get(f"/v1/articles/{article_id}/audio.mp3", follow_redirects=False)
        media = anonymous.get(f"/media/{narration['sha256']}.mp3", follow_redirects=False)
        rss = anonymous.get("/feeds/harbor.xml").content

    # The listener is sent to the object in the bucket (a presigned URL), not to the API.
    assert audio.status_code == 307 and media.status_code == 307
    location = audio.headers["location"]
    assert location.startswith(
        f"{split_service.s3.endpoint_url}/{split_service.bucket}/media/{narration['sha256']}.mp3?"
    )
    whole = httpx.get(location, timeout=30)
    assert whole.status_code == 200 and len(whole.content) == narration["bytes"]
    assert whole.headers["cache-control"] == "public, max-age=31536000, immutable"
    decoded, rate = sf.read(io.BytesIO(whole.content))
    assert len(decoded) / rate == pytest.approx(narration["duration_s"], abs=0.05)
    part = httpx.get(location, headers={"range": "bytes=1000-1999"}, timeout=30)
    assert part.status_code == 206 and part.content == whole.content[1000:2000]
    assert part.headers["content-range"] == f"bytes 1000-1999/{narration['bytes']}"

    # The feed's enclosure length is the object's exact size.
    enclosure = feedparser.parse(rss).entries[0].enclosures[0]
    assert int(enclosure.length) == narration["bytes"] == len(whole.content)

    # The live stream was real audio, read by the API from the bucket while the worker narrated.
    assert live, "the live stream sent nothing"
    streamed, live_rate = sf.read(io.BytesIO(bytes(live)))
    assert len(streamed) / live_rate == pytest.approx(narration["duration_s"], rel=0.15)

    # Nothing went through a disk the two share: neither data directory holds any audio.
    for data in (split_service.api_data, split_service.worker_data):
        stored = [p.name for p in data.rglob("*") if p.suffix in (".mp3", ".mpa", ".flac", ".vtt")]
        assert stored == [], (data, stored)
    objects = split_service.s3.client().list_objects_v2(Bucket=split_service.bucket, Prefix="media/")
    names = {o["Key"].removeprefix("media/") for o in objects.get("Contents", ())}
    assert f"{narration['sha256']}.mp3" in names
    assert {name.rsplit(".", 1)[1] for name in names} >= {"mp3", "flac", "mpa", "vtt", "json"}
