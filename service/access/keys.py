"""API keys: created once and shown once, kept as a SHA-256 hash, verified, listed, revoked.

A key is `nk_` + 43 URL-safe characters (256 random bits). Only its hash and
its first 11 characters (the visible prefix, to recognise it in a list) are
stored. A hash of a high-entropy key needs no salt or slow hash: it cannot be
guessed, only stolen, and the table holds nothing that works as a key.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from service.core.errors import InvalidInput, InvalidScope, NotFound
from service.core.models import DEFAULT_PROJECT, ApiKey, Project, utcnow

KEY_PREFIX = "nk_"
VISIBLE_CHARS = 11  # "nk_" + 8: enough to tell keys apart, far too little to guess one
ADMIN = "admin"
# Every scope a key may hold; `admin` implies all the others (and manages keys).
SCOPES = (
    "articles:read",
    "articles:write",
    "feeds:write",
    "lexicon:write",
    "webhooks:write",
    "sources:write",  # /v1/sources: feeds and sitemaps polled for articles
    "stats:read",
    "metrics:read",  # GET /metrics: service-wide totals, across projects (Prometheus' key)
    ADMIN,
)
# last_used_at is written at most this often per key, so reads do not each write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
PROJECT_PATTERN = r"^[a-z0-9][a-z0-9-]{0,99}$"


@dataclass(frozen=True)
class Principal:
    """Who is asking: a project and what its key may do (`key_id` None: no keys exist, the open default)."""

    project_id: str
    scopes: frozenset[str]
    key_id: str | None = None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or ADMIN in self.scopes


OPEN_DEFAULT = Principal(DEFAULT_PROJECT, frozenset(SCOPES))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def check_scopes(scopes: Iterable[str]) -> list[str]:
    """The scopes, deduplicated in the catalog's order; InvalidScope names an unknown one."""
    wanted = set(scopes)
    unknown = sorted(wanted - set(SCOPES))
    if unknown:
        raise InvalidScope(f"unknown scope {unknown[0]!r}; scopes are {', '.join(SCOPES)}")
    if not wanted:
        raise InvalidScope(f"give at least one scope of {', '.join(SCOPES)}")
    return [s for s in SCOPES if s in wanted]


def ensure_project(session: Session, project_id: str) -> Project:
    """The project, created if new."""
    if not re.fullmatch(PROJECT_PATTERN, project_id):
        raise InvalidInput(f"a project is a slug of lower-case letters, digits and '-', not {project_id!r}")
    project = session.get(Project, project_id)
    if project is None:
        project = Project(id=project_id)
        session.add(project)
        session.flush()
    return project


def create_key(session: Session, project_id: str, name: str, scopes: Iterable[str]) -> tuple[ApiKey, str]:
    """A new key for the project (created if new): the record and the key itself, which is never stored."""
    checked = check_scopes(scopes)
    if not name.strip() or len(name) > 200:
        raise InvalidInput("a key's name is 1 to 200 characters")
    ensure_project(session, project_id)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(
        project_id=project_id, name=name.strip(), prefix=key[:VISIBLE_CHARS], key_hash=hash_key(key), scopes=checked
    )
    session.add(record)
    session.flush()
    return record, key


def any_keys(session: Session) -> bool:
    """True once any key was ever created (revoked ones too: revoking the last key does not open the API)."""
    return bool(session.scalar(select(exists().where(ApiKey.id.is_not(None)))))


def verify_key(session: Session, key: str) -> Principal | None:
    """The principal of a valid, unrevoked key, else None; records when it was last used."""
    if not key.startswith(KEY_PREFIX):
        return None
    record = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if record is None or record.revoked_at is not None:
        return None
    now = utcnow()
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        record.last_used_at = now
        session.commit()
    return Principal(record.project_id, frozenset(record.scopes), record.id)


def principal_of_key_id(session: Session, key_id: str) -> Principal | None:
    """The principal of an unrevoked key by its id (a console session holds the id, never the key), else None."""
    record = session.get(ApiKey, key_id)
    if record is None or record.revoked_at is not None:
        return None
    return Principal(record.project_id, frozenset(record.scopes), record.id)


def list_keys(session: Session, project_id: str | None = None) -> list[ApiKey]:
    """Every key (of one project), oldest first."""
    query = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
    if project_id is not None:
        query = query.where(ApiKey.project_id == project_id)
    return list(session.scalars(query))


def revoke_key(session: Session, key_id: str, project_id: str | None = None) -> ApiKey:
    """Revoke a key by id or visible prefix (within one project when given); revoking twice is a no-op."""
    query = select(ApiKey).where((ApiKey.id == key_id) | (ApiKey.prefix == key_id))
    if project_id is not None:
        query = query.where(ApiKey.project_id == project_id)
    found = list(session.scalars(query))
    if len(found) != 1:
        raise NotFound(f"No key {key_id!r}" if not found else f"{key_id!r} names several keys; use the id")
    if found[0].revoked_at is None:
        found[0].revoked_at = utcnow()
    return found[0]
