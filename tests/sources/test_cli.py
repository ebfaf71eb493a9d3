"""`narrator sources`: add, poll, list, pause, resume and delete from the command line, on a real site.

The commands run in-process through the console script's entry point (`narrator_cli`).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import CliResult, NarratorCli
from tests.sources.conftest import Site, article_page, rss, story

Sources = Callable[..., CliResult]


@pytest.fixture
def run(narrator_cli: NarratorCli, site: Site) -> Sources:
    """`narrator sources ARGS...` with a publisher on the site, its host allowed."""
    site.put("/news/1", article_page("Town 1 library", story(1)))
    items = [("1", "/news/1", "Mon, 23 Nov 2026 08:00:00 GMT")]
    site.put("/feed.xml", rss(site, items), content_type="application/rss+xml")
    env = {"NARRATOR_FETCH_ALLOW_HOSTS": f"127.0.0.1:{site.port}"}
    return lambda *args: narrator_cli("sources", *args, env=env)


def _added(run: Sources, site: Site) -> str:
    added = run("add", f"{site.url}/feed.xml", "--interval", "600", "--exclude-prefix", "/sport/")
    assert added.returncode == 0, added.stderr
    return added.stdout.split()[2].rstrip(":")


def test_add_then_poll_narrates_and_list_shows_the_counts(run: Sources, site: Site) -> None:
    source_id = _added(run, site)
    polled = run("poll", source_id)
    assert polled.returncode == 0, polled.stderr
    assert f"polled source {source_id}: changed, 1 item(s) taken" in polled.stdout
    listed = [json.loads(line) for line in run("list", "--json").stdout.splitlines()]
    assert [(s["id"], s["items"]["narrated"], s["last_error"]) for s in listed] == [(source_id, 1, None)]


def test_pause_resume_and_delete(run: Sources, site: Site) -> None:
    source_id = _added(run, site)
    assert run("pause", source_id).stdout.strip() == f"paused source {source_id}"
    assert json.loads(run("list", "--json").stdout)["paused"] is True
    assert run("resume", source_id).stdout.strip() == f"resumed source {source_id}"
    assert run("delete", source_id).returncode == 0
    assert run("list").stdout == ""


def test_an_unknown_source_is_a_one_line_error(run: Sources) -> None:
    result = run("poll", "nothing-here")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "narrator: error: Source 'nothing-here' not found (not_found)"
    assert "Traceback" not in result.stderr
