"""A worker started as root: Celery's page-long SecurityWarning replaced by one line, none for `narrator serve`'s."""

from __future__ import annotations

import logging
import warnings

import pytest
from celery import platforms
from celery.exceptions import SecurityWarning

from service.core.queue import make_celery
from service.core.settings import Settings
from workers.cli.commands.worker import settle_root_warning

JSON_ONLY = make_celery(Settings()).conf.accept_content


@pytest.fixture
def as_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Celery's privilege check sees uid 0, whoever runs the tests."""
    for name in ("getuid", "geteuid"):
        monkeypatch.setattr(platforms.os, name, lambda: 0)
    monkeypatch.delenv("C_FORCE_ROOT", raising=False)


def celery_warnings(accept_content: list[str]) -> list[str]:
    """What Celery's own check at a worker's start warns, under the filters in force."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        platforms.check_privileges(accept_content)
    return [str(w.message) for w in caught if issubclass(w.category, SecurityWarning)]


def test_the_worker_accepts_json_only() -> None:
    assert list(JSON_ONLY) == ["json"]


def test_as_root_celerys_warning_gives_way_to_one_line(as_root: None, caplog: pytest.LogCaptureFixture) -> None:
    assert celery_warnings(JSON_ONLY)  # what an operator saw at every start
    with warnings.catch_warnings():
        with caplog.at_level(logging.WARNING):
            assert settle_root_warning(JSON_ONLY, quiet=False, euid=0)
        with warnings.catch_warnings(record=True) as caught:
            platforms.check_privileges(JSON_ONLY)
        assert [w for w in caught if issubclass(w.category, SecurityWarning)] == []
    assert [r.getMessage() for r in caplog.records if r.name == "workers.cli.commands.worker"] == [
        "running as root: messages are JSON only, so Celery's pickle risk does not apply; "
        "still, run workers as an unprivileged user (the Docker image runs as uid 10001)"
    ]


def test_narrator_serves_quiet_worker_says_nothing(as_root: None, caplog: pytest.LogCaptureFixture) -> None:
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING):
        assert settle_root_warning(JSON_ONLY, quiet=True, euid=0)
    assert [r for r in caplog.records if r.name == "workers.cli.commands.worker"] == []


def test_with_pickle_celerys_own_check_stays_in_force(as_root: None) -> None:
    with warnings.catch_warnings():
        assert settle_root_warning(["json", "pickle"], quiet=False, euid=0)
        with pytest.raises(platforms.SecurityError):  # Celery refuses pickle as root, as before
            platforms.check_privileges(["json", "pickle"])


def test_not_root_changes_nothing(caplog: pytest.LogCaptureFixture) -> None:
    before = warnings.filters[:]
    with caplog.at_level(logging.WARNING):
        assert not settle_root_warning(JSON_ONLY, quiet=False, euid=1000)
    assert warnings.filters == before and caplog.records == []
