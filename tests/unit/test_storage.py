import hashlib
from pathlib import Path

import pytest

from service.core.storage import LocalStorage, is_valid_key, open_storage


def test_put_bytes_names_the_file_by_its_sha256(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    stored = storage.put_bytes(b"abc", "mp3")
    digest = hashlib.sha256(b"abc").hexdigest()
    assert stored.key == f"{digest}.mp3"
    assert stored.size == 3
    assert storage.path(stored.key).read_bytes() == b"abc"


def test_storing_the_same_content_twice_keeps_one_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    first = storage.put_bytes(b"same", "mp3")
    second = storage.put_bytes(b"same", "mp3")
    assert first == second
    assert [p.name for p in tmp_path.iterdir()] == [first.key]


def test_put_file_copies_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    source = tmp_path / "src.mp3"
    source.write_bytes(b"x" * 3_000_000)
    storage = LocalStorage(tmp_path / "media")
    stored = storage.put_file(source, "mp3")
    assert storage.exists(stored.key)
    assert source.exists()
    assert sorted(p.name for p in (tmp_path / "media").iterdir()) == [stored.key]


def test_keys_that_are_not_storage_names_are_refused(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    assert not is_valid_key("../etc/passwd")
    assert not storage.exists("../x.mp3")
    with pytest.raises(ValueError):
        storage.path("../../x.mp3")


def test_open_storage_understands_file_urls(tmp_path: Path) -> None:
    storage = open_storage(f"file://{tmp_path / 'm'}")
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "m"


def test_open_storage_refuses_unknown_schemes() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        open_storage("ftp://example/bucket")
