"""The `narrator` command's small subcommands and inputs (narration itself: tests/workers).

The commands run in-process (`narrator_cli`, through the console script's entry point); what only a
real process shows, its quiet exit (status 1) when the pipe it writes to closes, starts the installed script.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile as sf

from service.core.settings import Settings
from service.core.storage import open_storage
from tests.conftest import NarratorCli, serve_pages

NARRATOR = str(Path(sys.executable).with_name("narrator"))


def test_normalize_prints_the_spoken_form_of_its_argument(narrator_cli: NarratorCli) -> None:
    result = narrator_cli("normalize", "It cost $5 on 1/2/2024.")
    assert result.returncode == 0
    assert result.stdout.strip() == "It cost five dollars on January second twenty twenty four."


def test_normalize_reads_stdin_line_by_line(narrator_cli: NarratorCli) -> None:
    result = narrator_cli("normalize", stdin="5%\nWorld War II\n")
    assert result.stdout.splitlines() == ["five percent", "World War two"]


@pytest.mark.parametrize("via", ["--file", "stdin"])
def test_normalize_into_a_pipe_closed_early_ends_without_a_traceback(tmp_path: Path, via: str) -> None:
    """`narrator normalize --file FILE | head -1` (or `< FILE`): the reader goes away, the command ends quietly."""
    source = tmp_path / "lines.txt"
    source.write_text("".join(f"Item {n} cost ${n} on 1/2/2024.\n" for n in range(20000)), encoding="utf-8")
    args = ["normalize", "--file", str(source)] if via == "--file" else ["normalize"]
    with (
        source.open("rb") as stdin,
        subprocess.Popen(
            [NARRATOR, *args],
            stdin=stdin if via == "stdin" else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as proc,
    ):
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline().startswith(b"Item zero cost zero dollars")
        proc.stdout.close()  # what `head -1` does once it has its line
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
    assert proc.returncode == 1  # Python's own status for EPIPE (docs: signal, note on SIGPIPE)
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception ignored" not in err, err


def test_a_missing_input_file_is_a_clear_error_not_a_traceback(tmp_path: Path, narrator_cli: NarratorCli) -> None:
    result = narrator_cli("narrate", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "x.mp3"))
    assert result.returncode == 2
    assert "narrator: error" in result.stderr and "Traceback" not in result.stderr


def test_an_empty_input_is_a_coded_error(tmp_path: Path, narrator_cli: NarratorCli) -> None:
    (tmp_path / "empty.txt").write_text("  \n")
    result = narrator_cli("narrate", str(tmp_path / "empty.txt"), "-o", str(tmp_path / "x.mp3"))
    assert result.returncode == 2
    assert "empty_text" in result.stderr


PAGE = b"<html><body><article><h1>Ferry news</h1><p>The ferry leaves at noon today.</p></article></body></html>"


@pytest.fixture
def page_url() -> Iterator[str]:
    with serve_pages({"/story": (200, PAGE)}) as url:
        yield f"{url}/story"


def test_narrate_fetches_a_url_when_the_host_is_allowed(
    tmp_path: Path, page_url: str, narrator_cli: NarratorCli
) -> None:
    env = {"NARRATOR_FETCH_ALLOW_HOSTS": "127.0.0.1"}
    result = narrator_cli("narrate", page_url, "-o", str(tmp_path / "story.mp3"), env=env)
    assert result.returncode == 0, result.stderr
    assert sf.info(str(tmp_path / "story.mp3")).duration > 1.0


def test_narrate_refuses_a_private_url_by_default(tmp_path: Path, page_url: str, narrator_cli: NarratorCli) -> None:
    result = narrator_cli("narrate", page_url, "-o", str(tmp_path / "story.mp3"))
    assert result.returncode == 2
    assert "url_forbidden" in result.stderr


@pytest.mark.parametrize(
    ("synth_threads", "concurrency", "expected"),
    [(0, 1, 0), (0, 2, 1), (3, 2, 3)],
    ids=["one process: the engine's default", "the cores shared out", "as set"],
)
def test_worker_processes_share_the_cores(
    monkeypatch: pytest.MonkeyPatch, synth_threads: int, concurrency: int, expected: int
) -> None:
    from workers.cli.commands.worker import threads_per_process

    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert threads_per_process(Settings(synth_threads=synth_threads), concurrency) == expected


def test_gc_dry_run_prints_the_files_and_bytes_it_would_free_and_deletes_nothing(
    settings: Settings, narrator_cli: NarratorCli
) -> None:
    storage = open_storage(settings.storage_url)
    orphan = storage.put_bytes(b"no record names this", "flac").key
    env = {"NARRATOR_DATA_DIR": str(settings.data_dir), "NARRATOR_GC_GRACE_S": "0"}
    result = narrator_cli("gc", "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert "would delete 1 .flac files, 20 bytes" in result.stdout.splitlines()
    assert "would delete 0 narrations" in result.stdout.splitlines()
    assert storage.exists(orphan)
