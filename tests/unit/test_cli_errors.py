"""Bad input to any `narrator` command is one clear line and exit status 2, never a traceback.

Run in-process through `main` (the console script's entry point): an
exception escaping it would be the traceback a user sees.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from service.core.settings import get_settings
from tests.processes import free_port
from workers.cli import main

Run = Callable[..., tuple[int, str]]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Run]:
    """`narrator ARGS...` in-process with its data in tmp_path: (exit status, standard error)."""
    monkeypatch.setenv("NARRATOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()

    def invoke(*args: str) -> tuple[int, str]:
        code = main(list(args))
        return code, capsys.readouterr().err

    yield invoke
    get_settings.cache_clear()


def assert_one_line_error(code: int, err: str, *expected: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("narrator: error: "), err
    for text in expected:
        assert text in lines[0]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "empty.md").write_text(" \n\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    (tmp_path / "story.txt").write_text("The ferry leaves at noon.", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["narrate", "missing.txt", "-o", "x.mp3"], ["No such file", "missing.txt"], id="missing file"),
        pytest.param(["narrate", "folder", "-o", "x.mp3"], ["folder is a directory"], id="a directory"),
        pytest.param(["narrate", "latin1.txt", "-o", "x.mp3"], ["latin1.txt is not UTF-8"], id="not UTF-8"),
        pytest.param(["narrate", "empty.md", "-o", "x.mp3"], ["(empty_text)"], id="empty text"),
        pytest.param(
            ["narrate", "story.txt", "-o", "x.mp3", "--voice", "nobody"], ["'nobody'", "(unknown_voice)"], id="voice"
        ),
        pytest.param(
            ["narrate", "story.txt", "-o", "x.mp3", "--intro", "missing.wav"], ["no such file: missing.wav"], id="intro"
        ),
        pytest.param(["narrate", "http://localhost/story", "-o", "x.mp3"], ["(url_forbidden)"], id="private URL"),
        pytest.param(["normalize", ""], ["the text is empty"], id="normalize empty text"),
        pytest.param(["normalize", "--file", "missing.txt"], ["No such file", "missing.txt"], id="normalize missing"),
        pytest.param(["normalize", "--file", "latin1.txt"], ["latin1.txt is not UTF-8"], id="normalize not UTF-8"),
        pytest.param(["normalize", "--file", "story.txt", "more"], ["not both"], id="normalize text and file"),
        pytest.param(["worker", "--queues", "narrator.later"], ["unknown queue narrator.later"], id="worker queue"),
        pytest.param(["worker", "--loglevel", "chatty"], ["unknown log level 'CHATTY'"], id="worker log level"),
    ],
)
def test_bad_input_is_one_line_and_status_2(run: Run, files: Path, args: list[str], expected: list[str]) -> None:
    assert_one_line_error(*run(*args), *expected)


def test_an_unreachable_url_is_one_line(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARRATOR_FETCH_ALLOW_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    url = f"http://127.0.0.1:{free_port()}/story"  # nothing listens there
    assert_one_line_error(*run("narrate", url, "-o", "x.mp3"), "(fetch_failed)")


def test_invalid_settings_name_the_variable(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARRATOR_WORKER_CONCURRENCY", "many")
    get_settings.cache_clear()
    assert_one_line_error(*run("voices"), "invalid settings", "NARRATOR_WORKER_CONCURRENCY")


def test_serve_on_a_port_in_use_is_one_line_and_starts_no_worker(run: Run) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert_one_line_error(*run("serve", "--port", str(port)), f"cannot listen on 127.0.0.1:{port}")


@pytest.mark.parametrize(
    "args",
    [["launch"], ["serve", "--port", "70000"], ["worker", "--concurrency", "0"], ["narrate", "story.txt"]],
    ids=["unknown command", "port out of range", "no worker processes", "no output file"],
)
def test_usage_errors_are_argparse_lines_and_status_2(
    run: Run, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(*args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: narrator") and "error: " in err.splitlines()[-1]
    assert "Traceback" not in err
