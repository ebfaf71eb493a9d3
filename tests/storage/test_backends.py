"""What is particular to each backend: URLs, the local directory, the S3 bucket and its objects."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from service.core.settings import Settings
from service.core.storage import LocalStorage, open_storage, storage_for
from tests.s3server import S3Server
from tests.storage.conftest import s3_options


def test_open_storage_understands_file_urls_and_plain_paths(tmp_path: Path) -> None:
    for url in (f"file://{tmp_path / 'm'}", str(tmp_path / "m")):
        storage = open_storage(url)
        assert isinstance(storage, LocalStorage)
        key = storage.put_bytes(b"x", "mp3").key
        assert (tmp_path / "m" / key).read_bytes() == b"x"


def test_open_storage_understands_s3_urls() -> None:
    from service.core.storage.s3 import S3Storage, parse_s3_url

    assert parse_s3_url("s3://media") == ("media", "")
    assert parse_s3_url("s3://media/narrator/prod/") == ("media", "narrator/prod")
    storage = open_storage("s3://media/audio")
    assert isinstance(storage, S3Storage) and (storage.bucket, storage.prefix) == ("media", "audio")
    with pytest.raises(ValueError, match="no bucket"):
        open_storage("s3:///audio")


def test_open_storage_refuses_unknown_schemes() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        open_storage("ftp://example/bucket")


def test_storage_for_keeps_one_storage_per_configuration(tmp_path: Path) -> None:
    first, second = Settings(data_dir=tmp_path / "a"), Settings(data_dir=tmp_path / "b")
    assert storage_for(first) is storage_for(Settings(data_dir=tmp_path / "a"))
    assert storage_for(first) is not storage_for(second)


def test_local_writes_are_atomic_and_leave_no_temporary_files(tmp_path: Path) -> None:
    storage = open_storage(str(tmp_path / "media"))
    source = tmp_path / "src.mp3"
    source.write_bytes(b"x" * 3_000_000)
    stored = storage.put_file(source, "mp3")
    assert sorted(p.name for p in (tmp_path / "media").iterdir()) == [stored.key]
    assert oct((tmp_path / "media" / stored.key).stat().st_mode & 0o777) == "0o644"


def test_local_listing_skips_what_is_not_a_key(tmp_path: Path) -> None:
    storage = open_storage(str(tmp_path / "media"))
    key = storage.put_bytes(b"x", "json").key
    (tmp_path / "media" / ".incoming-abc").write_bytes(b"half")
    (tmp_path / "media" / "notes.txt").write_bytes(b"hi")
    (tmp_path / "media" / ("0" * 64 + ".mp3")).mkdir()
    assert list(storage.keys()) == [key]


def test_local_storage_recreates_its_directory(tmp_path: Path) -> None:
    storage = open_storage(str(tmp_path / "media"))
    os.rmdir(tmp_path / "media")
    assert storage.get_bytes(storage.put_bytes(b"back", "vtt").key) == b"back"


def test_s3_objects_carry_type_caching_and_disposition(s3_server: S3Server) -> None:
    prefix = f"meta-{uuid.uuid4().hex[:8]}"
    storage = open_storage(f"s3://narrator-tests/{prefix}", s3=s3_options(s3_server))
    stored = storage.put_bytes(b"WEBVTT\n", "vtt")
    head = s3_server.client().head_object(Bucket="narrator-tests", Key=f"{prefix}/{stored.key}")
    assert head["ContentType"] == "text/vtt; charset=utf-8"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert head["ContentDisposition"] == f'inline; filename="{stored.key}"'
    assert head["Metadata"] == {"sha256": stored.sha256}


def test_s3_listing_stays_in_its_prefix_and_skips_foreign_objects(s3_server: S3Server) -> None:
    prefix = f"list-{uuid.uuid4().hex[:8]}"
    storage = open_storage(f"s3://narrator-tests/{prefix}", s3=s3_options(s3_server))
    other = open_storage(f"s3://narrator-tests/{prefix}-other", s3=s3_options(s3_server))
    key = storage.put_bytes(b"mine", "mp3").key
    other.put_bytes(b"theirs", "mp3")
    s3_server.client().put_object(Bucket="narrator-tests", Key=f"{prefix}/README.txt", Body=b"not a key")
    assert list(storage.keys()) == [key]
    assert not other.exists(key)


def test_s3_listing_pages_through_more_than_a_thousand_objects(s3_server: S3Server) -> None:
    prefix = f"many-{uuid.uuid4().hex[:8]}"
    client = s3_server.client()
    keys = {f"{i:064x}.json" for i in range(1003)}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: client.put_object(Bucket="narrator-tests", Key=f"{prefix}/{k}", Body=b"{}"), keys))
    storage = open_storage(f"s3://narrator-tests/{prefix}", s3=s3_options(s3_server))
    assert set(storage.keys()) == keys


def test_s3_creates_a_missing_bucket_on_first_use(s3_server: S3Server) -> None:
    bucket = f"narrator-new-{uuid.uuid4().hex[:8]}"
    storage = open_storage(f"s3://{bucket}", s3=s3_options(s3_server))
    storage.check()
    s3_server.client().head_bucket(Bucket=bucket)
    key = storage.put_bytes(b"first", "mp3").key
    assert s3_server.client().get_object(Bucket=bucket, Key=key)["Body"].read() == b"first"
    storage.delete(key)
    s3_server.client().delete_bucket(Bucket=bucket)


def test_s3_check_fails_when_the_bucket_is_missing_and_may_not_be_created(s3_server: S3Server) -> None:
    bucket = f"narrator-absent-{uuid.uuid4().hex[:8]}"
    storage = open_storage(f"s3://{bucket}", s3=s3_options(s3_server, create_bucket=False))
    with pytest.raises(ClientError):
        storage.check()
    with pytest.raises(ClientError):
        storage.put_bytes(b"x", "mp3")


def test_s3_settings_come_from_narrator_or_aws_variables(
    s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The usual AWS_* variables are enough; NARRATOR_S3_* override them."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server.endpoint_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.secret_access_key)
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    from_aws = Settings(data_dir=tmp_path, storage_url=f"s3://narrator-tests/aws-{uuid.uuid4().hex[:8]}")
    storage = storage_for(from_aws)
    assert storage.get_bytes(storage.put_bytes(b"via AWS_*", "json").key) == b"via AWS_*"
    assert "eu-west-3" in str(storage.url(storage.put_bytes(b"r", "json").key))

    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NARRATOR_S3_ENDPOINT_URL", s3_server.endpoint_url)
    monkeypatch.setenv("NARRATOR_S3_REGION", "us-east-1")
    ours = Settings(data_dir=tmp_path, storage_url=f"s3://narrator-tests/ours-{uuid.uuid4().hex[:8]}")
    assert ours.s3_endpoint_url == s3_server.endpoint_url
    storage = storage_for(ours)
    assert storage.get_bytes(storage.put_bytes(b"via NARRATOR_S3_*", "json").key) == b"via NARRATOR_S3_*"
