"""`narrator sources`: add, poll, list, pause, resume and delete from the command line, on a real site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sources.conftest import Site, article_page, rss, story

NARRATOR = str(Path(sys.executable).with_name("narrator"))


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NARRATOR, "sources", *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )


@pytest.fixture
def env(tmp_path: Path, site: Site) -> dict[str, str]:
    site.put("/news/1", article_page("Town 1 library", story(1)))
    items = [("1", "/news/1", "Mon, 23 Nov 2026 08:00:00 GMT")]
    site.put("/feed.xml", rss(site, items), content_type="application/rss+xml")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("NARRATOR_")},
        "NARRATOR_DATA_DIR": str(tmp_path / "data"),
        "NARRATOR_FETCH_ALLOW_HOSTS": f"127.0.0.1:{site.port}",
    }


def _added(env: dict[str, str], site: Site) -> str:
    added = _run(env, "add", f"{site.url}/feed.xml", "--interval", "600", "--exclude-prefix", "/sport/")
    assert added.returncode == 0, added.stderr
    return added.stdout.split()[2].rstrip(":")


def test_add_then_poll_narrates_and_list_shows_the_counts(env: dict[str, str], site: Site) -> None:
    source_id = _added(env, site)
    polled = _run(env, "poll", source_id)
    assert polled.returncode == 0, polled.stderr
    assert f"polled source {source_id}: changed, 1 item(s) taken" in polled.stdout
    listed = [json.loads(line) for line in _run(env, "list", "--json").stdout.splitlines()]
    assert [(s["id"], s["items"]["narrated"], s["last_error"]) for s in listed] == [(source_id, 1, None)]


def test_pause_resume_and_delete(env: dict[str, str], site: Site) -> None:
    source_id = _added(env, site)
    assert _run(env, "pause", source_id).stdout.strip() == f"paused source {source_id}"
    assert json.loads(_run(env, "list", "--json").stdout)["paused"] is True
    assert _run(env, "resume", source_id).stdout.strip() == f"resumed source {source_id}"
    assert _run(env, "delete", source_id).returncode == 0
    assert _run(env, "list").stdout == ""


def test_an_unknown_source_is_a_one_line_error(env: dict[str, str]) -> None:
    result = _run(env, "poll", "nothing-here")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "narrator: error: Source 'nothing-here' not found (not_found)"
    assert "Traceback" not in result.stderr
