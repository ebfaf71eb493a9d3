"""What every storage backend does the same way (tests/storage/conftest.py runs each on local and S3)."""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from service.core.storage import InvalidKey, ObjectNotFound, Storage, StoredObject

DATA = bytes(range(256)) * 40  # 10,240 bytes


def test_put_bytes_names_the_object_by_its_sha256(storage: Storage) -> None:
    stored = storage.put_bytes(b"abc", "mp3")
    digest = hashlib.sha256(b"abc").hexdigest()
    assert stored == StoredObject(key=f"{digest}.mp3", sha256=digest, size=3)
    assert storage.get_bytes(stored.key) == b"abc"
    assert storage.exists(stored.key)
    assert storage.size(stored.key) == 3


def test_stat_has_size_time_etag_and_type(storage: Storage) -> None:
    stored = storage.put_bytes(DATA, "vtt")
    stat = storage.stat(stored.key)
    assert (stat.key, stat.size, stat.sha256) == (stored.key, len(DATA), stored.sha256)
    assert stat.etag == f'"{stored.sha256}"'
    assert stat.content_type == "text/vtt; charset=utf-8"
    assert stat.modified > 1_600_000_000


def test_storing_the_same_bytes_twice_keeps_one_object(storage: Storage) -> None:
    first = storage.put_bytes(b"same", "mp3")
    second = storage.put_bytes(b"same", "mp3")
    assert first == second
    assert list(storage.keys()) == [first.key]


def test_the_same_bytes_under_another_extension_are_another_object(storage: Storage) -> None:
    audio, frames = storage.put_bytes(b"frames", "mp3"), storage.put_bytes(b"frames", "mpa")
    assert audio.sha256 == frames.sha256 and audio.key != frames.key
    assert sorted(storage.keys()) == sorted([audio.key, frames.key])


def test_concurrent_puts_of_the_same_bytes_agree(storage: Storage) -> None:
    results: list[StoredObject] = []
    threads = [threading.Thread(target=lambda: results.append(storage.put_bytes(DATA, "flac"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert storage.get_bytes(results[0].key) == DATA
    assert list(storage.keys()) == [results[0].key]


def test_put_file_stores_a_copy_and_leaves_the_callers_file(storage: Storage, tmp_path: Path) -> None:
    source = tmp_path / "narration.mp3"
    source.write_bytes(DATA)
    stored = storage.put_file(source, "mp3")
    assert source.read_bytes() == DATA
    assert stored.size == len(DATA) and stored.sha256 == hashlib.sha256(DATA).hexdigest()
    assert storage.get_bytes(stored.key) == DATA
    assert list(storage.keys()) == [stored.key]  # no temporary objects or files left


def test_a_large_file_goes_up_whole(storage: Storage, tmp_path: Path) -> None:
    """Past 8 MB the S3 backend uploads in parts; the object is the same bytes."""
    big = hashlib.sha256(b"seed").digest() * (20 * 1024 * 1024 // 32 + 7)  # 20 MB and a bit
    source = tmp_path / "long.mp3"
    source.write_bytes(big)
    stored = storage.put_file(source, "mp3")
    assert stored.size == len(big)
    assert storage.size(stored.key) == len(big)
    assert hashlib.sha256(storage.get_bytes(stored.key)).hexdigest() == stored.sha256
    assert b"".join(storage.open_range(stored.key, 9_000_000, 9_000_100)) == big[9_000_000:9_000_100]
    assert storage.put_file(source, "mp3") == stored  # already there: nothing uploaded again


def test_put_stream_hashes_what_it_reads(storage: Storage) -> None:
    stored = storage.put_stream(io.BytesIO(DATA), "json")
    assert stored.sha256 == hashlib.sha256(DATA).hexdigest() and stored.size == len(DATA)
    assert storage.get_bytes(stored.key) == DATA


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, None, DATA),
        (0, 10, DATA[:10]),
        (100, 200, DATA[100:200]),
        (len(DATA) - 24, None, DATA[-24:]),
        (len(DATA) - 5, len(DATA) + 1000, DATA[-5:]),  # past the end: cut at the end
        (len(DATA), None, b""),
        (50, 50, b""),
    ],
)
def test_open_range_reads_the_bytes_asked_for(storage: Storage, start: int, end: int | None, expected: bytes) -> None:
    key = storage.put_bytes(DATA, "mp3").key
    assert b"".join(storage.open_range(key, start, end)) == expected


def test_open_range_of_a_large_object_comes_in_several_chunks(storage: Storage) -> None:
    data = DATA * 200  # 2 MB
    key = storage.put_bytes(data, "mp3").key
    chunks = list(storage.open_range(key))
    assert len(chunks) > 1 and b"".join(chunks) == data


def test_missing_objects_raise_object_not_found(storage: Storage) -> None:
    key = hashlib.sha256(b"never stored").hexdigest() + ".mp3"
    assert not storage.exists(key)
    with pytest.raises(ObjectNotFound):
        storage.get_bytes(key)
    with pytest.raises(ObjectNotFound):
        storage.stat(key)
    with pytest.raises(ObjectNotFound):
        storage.open_range(key, 0, 10)  # at the call, not at the first chunk


def test_delete_removes_and_is_idempotent(storage: Storage) -> None:
    keep, gone = storage.put_bytes(b"keep", "json"), storage.put_bytes(b"gone", "json")
    storage.delete(gone.key)
    storage.delete(gone.key)  # again: no error
    assert not storage.exists(gone.key)
    with pytest.raises(ObjectNotFound):
        storage.get_bytes(gone.key)
    assert list(storage.keys()) == [keep.key]


@pytest.mark.parametrize(
    "name", ["../etc/passwd", "../../x.mp3", "narrator.db", "0" * 64 + ".exe", "0" * 63 + ".mp3", "A" * 64 + ".mp3"]
)
def test_names_that_are_not_keys_are_refused(storage: Storage, name: str) -> None:
    assert not storage.exists(name)
    storage.delete(name)  # a no-op, never a path or object name built from it
    for read in (storage.get_bytes, storage.stat, storage.open_range, storage.url):
        with pytest.raises(InvalidKey):
            read(name)


def test_an_unknown_extension_is_refused(storage: Storage) -> None:
    with pytest.raises(InvalidKey):
        storage.put_bytes(b"x", "exe")
    with pytest.raises(InvalidKey):
        storage.put_stream(io.BytesIO(b"x"), "../x")
    assert list(storage.keys()) == []


def test_keys_lists_every_object_once(storage: Storage) -> None:
    assert list(storage.keys()) == []
    stored = {storage.put_bytes(f"object {i}".encode(), ext).key for i, ext in enumerate(["mp3", "vtt", "json", "png"])}
    assert sorted(storage.keys()) == sorted(stored)


def test_check_passes_on_a_working_storage(storage: Storage) -> None:
    storage.check()
    assert list(storage.keys()) == []  # the probe leaves nothing behind


def test_url_with_a_media_base_url_is_the_key_under_it(make_storage: Callable[..., Storage]) -> None:
    storage = make_storage(media_base_url="https://cdn.example/audio/")
    key = storage.put_bytes(DATA, "mp3").key
    assert storage.url(key) == f"https://cdn.example/audio/{key}"


def test_url_without_a_media_base_url(storage: Storage, backend: str) -> None:
    """Local storage has no URL of its own (the API serves it); S3 gives a presigned URL that works."""
    key = storage.put_bytes(DATA, "mp3").key
    url = storage.url(key)
    if backend == "local":
        assert url is None and not storage.remote
        return
    assert storage.remote and url is not None and "X-Amz-Signature=" in url
    whole = httpx.get(url)
    assert whole.status_code == 200 and whole.content == DATA
    assert whole.headers["content-type"] == "audio/mpeg"
    assert whole.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert whole.headers["content-disposition"] == f'inline; filename="{key}"'
    part = httpx.get(url, headers={"range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == DATA[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(DATA)}"
