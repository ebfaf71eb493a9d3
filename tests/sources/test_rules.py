"""Include and exclude rules, and a client's regular expression that would backtrack forever."""

from __future__ import annotations

import time

import pytest

from service.core.errors import InvalidSource
from service.sources.parse import Entry
from service.sources.rules import check_rule, wanted

WORLD = Entry(guid="1", url="https://news.example/world/1", categories=("World", "Politics"))
SPORT = Entry(guid="2", url="https://news.example/sport/live-2", categories=("Sport",))


def test_no_rules_take_everything() -> None:
    assert wanted({}, {}, WORLD) and wanted({}, {}, SPORT)


def test_include_by_category_ignores_case() -> None:
    assert [wanted({"categories": ["world"]}, {}, e) for e in (WORLD, SPORT)] == [True, False]


def test_exclude_by_pattern_wins_over_include() -> None:
    include, exclude = {"path_prefixes": ["/world/", "/sport/"]}, {"pattern": r"/live-"}
    assert [wanted(include, exclude, e) for e in (WORLD, SPORT)] == [True, False]


def test_a_pattern_that_does_not_compile_is_invalid_source() -> None:
    with pytest.raises(InvalidSource, match="not a regular expression"):
        check_rule({"pattern": "(unclosed"})


def test_an_unknown_rule_part_is_invalid_source() -> None:
    with pytest.raises(InvalidSource, match="unknown rule part 'authors'"):
        check_rule({"authors": ["Jo"]})


def test_a_catastrophically_backtracking_pattern_gives_up_and_does_not_match() -> None:
    entry = Entry(guid="3", url="https://news.example/" + "a" * 40 + "!")
    started = time.monotonic()
    assert wanted({}, {"pattern": r"(a|aa)+$"}, entry) is True  # the exclude rule gave up: not matched
    assert time.monotonic() - started < 2.0
