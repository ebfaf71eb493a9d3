"""Pronunciation lexicons: global and per-feed entries, versioned, and what they apply to.

An entry says a term (word or phrase, matched case-sensitively on word
boundaries) as an alias text ("Huawei" -> "wah-way") or as IPA phonemes, which
Piper reads directly when written as `[[ phonemes ]]`. Three layers, each
overriding the one before for the same term: the shipped defaults
(voices/lexicon/default.toml, names the shipped voice was measured to say
wrong; see bench/lexicon_probe.py), the global entries, a feed's entries.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.core.errors import InvalidLexiconEntry, NotFound
from service.core.hygiene import clean_text, has_visible_text
from service.core.models import DEFAULT_PROJECT, Article, LexiconEntry, LexiconVersion
from service.core.settings import REPO_ROOT

GLOBAL = "*"
DEFAULT_LEXICON_PATH = REPO_ROOT / "voices" / "lexicon" / "default.toml"


@dataclass(frozen=True)
class Pronunciation:
    """What the normalizer replaces a term with."""

    term: str
    spoken: str


def global_scope(project: str = DEFAULT_PROJECT) -> str:
    """A project's global lexicon: "*" for the default project, "*<project>" for another (service/access)."""
    return GLOBAL if project == DEFAULT_PROJECT else f"{GLOBAL}{project}"


def scope_of(feed: str | None, project: str = DEFAULT_PROJECT) -> str:
    return feed or global_scope(project)


def bump_version(session: Session, scope: str) -> int:
    """Advance a scope's lexicon version; returns the new version."""
    row = session.get(LexiconVersion, scope)
    if row is None:
        row = LexiconVersion(scope=scope, version=0)
        session.add(row)
    row.version += 1
    session.flush()
    return row.version


def version_of(session: Session, feed: str | None, project: str = DEFAULT_PROJECT) -> str:
    """The lexicon version a narration in `feed` uses: global and feed counters together."""
    versions = [session.get(LexiconVersion, global_scope(project))]
    if feed:
        versions.append(session.get(LexiconVersion, feed))
    return ".".join(str(v.version if v else 0) for v in versions)


def validate(term: str, alias: str | None, ipa: str | None) -> None:
    """Refuse entries that cannot be applied."""
    if not term.strip() or term != term.strip():
        raise InvalidLexiconEntry("'term' must be non-empty without surrounding spaces")
    if clean_text(term) != term or not has_visible_text(term):
        raise InvalidLexiconEntry("'term' holds control, bidi-override or non-characters")
    if (alias is None) == (ipa is None):
        raise InvalidLexiconEntry("give exactly one of 'alias' or 'ipa'")
    value = alias if alias is not None else ipa
    if not value or not value.strip():
        raise InvalidLexiconEntry("the pronunciation is empty")
    if ipa is not None and ("[" in ipa or "]" in ipa):
        raise InvalidLexiconEntry("'ipa' holds the phonemes only, without [[ ]]")


def put_entry(
    session: Session,
    feed: str | None,
    term: str,
    *,
    alias: str | None,
    ipa: str | None,
    project: str = DEFAULT_PROJECT,
) -> LexiconEntry:
    """Create or replace the entry for `term` in a scope, bumping the scope's version."""
    validate(term, alias, ipa)
    scope = scope_of(feed, project)
    version = bump_version(session, scope)
    entry = session.scalar(select(LexiconEntry).where(LexiconEntry.scope == scope, LexiconEntry.term == term))
    if entry is None:
        entry = LexiconEntry(scope=scope, term=term, project_id=project)
        session.add(entry)
    entry.alias, entry.ipa, entry.version = alias, ipa, version
    session.flush()
    return entry


def delete_entry(session: Session, feed: str | None, term: str, project: str = DEFAULT_PROJECT) -> LexiconEntry:
    """Remove an entry (NotFound if absent), bumping the scope's version; returns the removed entry."""
    scope = scope_of(feed, project)
    entry = session.scalar(select(LexiconEntry).where(LexiconEntry.scope == scope, LexiconEntry.term == term))
    if entry is None:
        raise NotFound(f"No lexicon entry for {term!r} in {'feed ' + feed if feed else 'the global lexicon'}")
    bump_version(session, scope)
    session.delete(entry)
    session.flush()
    return entry


def list_entries(session: Session, feed: str | None, project: str = DEFAULT_PROJECT) -> list[LexiconEntry]:
    """Entries of one scope of one project, by term."""
    query = select(LexiconEntry).where(LexiconEntry.scope == scope_of(feed, project))
    return list(session.scalars(query.where(LexiconEntry.project_id == project).order_by(LexiconEntry.term)))


def spoken_of(alias: str | None, ipa: str | None) -> str:
    """What the normalizer says for an entry: its alias, or its IPA as a Piper phoneme block."""
    return alias if alias is not None else f"[[ {ipa} ]]"


@dataclass(frozen=True)
class DefaultEntry:
    """A shipped pronunciation and how it was measured."""

    term: str
    alias: str | None
    ipa: str | None
    measured: str

    @property
    def spoken(self) -> str:
        return spoken_of(self.alias, self.ipa)


def load_default_entries(path: Path = DEFAULT_LEXICON_PATH) -> tuple[DefaultEntry, ...]:
    """The entries of a default lexicon file; raises InvalidLexiconEntry (naming the file) on a bad one."""
    return _load_default_entries(Path(path))


@lru_cache(maxsize=4)
def _load_default_entries(path: Path) -> tuple[DefaultEntry, ...]:
    if not path.exists():
        return ()
    try:
        rows = tomllib.loads(path.read_text(encoding="utf-8")).get("entry", [])
    except tomllib.TOMLDecodeError as exc:
        raise InvalidLexiconEntry(f"{path}: {exc}") from None
    entries: dict[str, DefaultEntry] = {}
    for row in rows:
        term, alias, ipa = row.get("term", ""), row.get("alias"), row.get("ipa")
        try:
            validate(term, alias, ipa)
        except InvalidLexiconEntry as exc:
            raise InvalidLexiconEntry(f"{path}: entry {term!r}: {exc.message}") from None
        if term in entries:
            raise InvalidLexiconEntry(f"{path}: term {term!r} appears twice")
        entries[term] = DefaultEntry(term, alias, ipa, str(row.get("measured", "")))
    return tuple(entries.values())


def default_pronunciations(path: Path = DEFAULT_LEXICON_PATH, *, ipa: bool = True) -> dict[str, str]:
    """The shipped term -> spoken-form map: the lowest layer, under global and feed entries.

    `ipa=False` leaves out phoneme entries, for engines that cannot read `[[ ]]` (only Piper can).
    """
    return {e.term: e.spoken for e in load_default_entries(path) if ipa or e.ipa is None}


def pronunciations(
    session: Session,
    feed: str | None,
    *,
    defaults: Mapping[str, str] | None = None,
    ipa: bool = True,
    project: str = DEFAULT_PROJECT,
) -> dict[str, str]:
    """The term -> spoken-form map for narrating an article in `feed`.

    Layers, later ones winning for the same term: `defaults` (the shipped
    default lexicon unless given, without its IPA entries when `ipa` is False;
    pass {} for none), global entries, the feed's.
    """
    own = global_scope(project)
    scopes = [own] + ([feed] if feed else [])
    entries = session.scalars(
        select(LexiconEntry).where(LexiconEntry.scope.in_(scopes), LexiconEntry.project_id == project)
    )
    ordered = sorted(entries, key=lambda e: e.scope != own)  # global first, so the feed's overwrite
    merged = dict(default_pronunciations(ipa=ipa) if defaults is None else defaults)
    merged.update({e.term: spoken_of(e.alias, e.ipa) for e in ordered})
    return merged


def term_pattern(term: str) -> re.Pattern[str]:
    """Matches `term` as a whole word or phrase."""
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)")


def affected_articles(session: Session, feed: str | None, term: str, project: str = DEFAULT_PROJECT) -> list[Article]:
    """The project's articles whose spoken text contains `term` (in `feed`, or anywhere for a global entry)."""
    pattern = term_pattern(term)
    query = select(Article).where(Article.project_id == project)
    if feed:
        query = query.where(Article.feed == feed)
    return [a for a in session.scalars(query) if any(pattern.search(b["text"]) for b in a.blocks)]
