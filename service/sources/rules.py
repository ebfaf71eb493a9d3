"""Which of a source's items are narrated: include and exclude rules on category, URL path prefix or pattern.

A rule is `{"categories": [...], "path_prefixes": [...], "pattern": "regex on the URL"}`, any part
optional. An item is taken when the include rule is empty or any of its parts matches, and no part of
the exclude rule matches.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import regex

from service.core.errors import InvalidSource
from service.sources.parse import Entry

RULE_KEYS = frozenset({"categories", "path_prefixes", "pattern"})
MAX_PATTERN_CHARS = 500
# A client's pattern runs in a worker: `regex` stops a catastrophic backtracker (`(a+)+$`) after this
# long, and the item counts as not matching, so one bad rule never holds a poll up.
PATTERN_TIMEOUT_S = 0.05


def check_rule(rule: dict[str, Any] | None) -> dict[str, Any]:
    """The rule in its stored form; `InvalidSource` for unknown parts or a pattern that does not compile."""
    rule = {k: v for k, v in (rule or {}).items() if v not in (None, [], "")}
    unknown = set(rule) - RULE_KEYS
    if unknown:
        raise InvalidSource(f"unknown rule part {sorted(unknown)[0]!r}; parts are {', '.join(sorted(RULE_KEYS))}")
    for key in ("categories", "path_prefixes"):
        if key in rule and not (isinstance(rule[key], list) and all(isinstance(v, str) for v in rule[key])):
            raise InvalidSource(f"'{key}' is a list of strings")
    pattern = rule.get("pattern")
    if pattern is not None:
        if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN_CHARS:
            raise InvalidSource(f"'pattern' is a regular expression of at most {MAX_PATTERN_CHARS} characters")
        try:
            regex.compile(pattern)
        except regex.error as exc:
            raise InvalidSource(f"'pattern' is not a regular expression: {exc}") from exc
    return rule


def _matches(rule: dict[str, Any], entry: Entry) -> bool:
    categories = {c.casefold() for c in entry.categories}
    if any(c.casefold() in categories for c in rule.get("categories", [])):
        return True
    path = urlsplit(entry.url).path or "/"
    if any(path.startswith(prefix) for prefix in rule.get("path_prefixes", [])):
        return True
    pattern = rule.get("pattern")
    if not pattern:
        return False
    try:
        return regex.search(pattern, entry.url, timeout=PATTERN_TIMEOUT_S) is not None
    except TimeoutError:
        return False


def wanted(include: dict[str, Any], exclude: dict[str, Any], entry: Entry) -> bool:
    """Whether the rules take this entry."""
    if include and not _matches(include, entry):
        return False
    return not (exclude and _matches(exclude, entry))
