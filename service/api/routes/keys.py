"""/v1/keys: an admin key creates, lists and revokes its project's API keys."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from service.access import keys
from service.api.auth import Admin
from service.api.deps import SessionDep
from service.api.schemas import RequestBody

router = APIRouter(prefix="/v1/keys", tags=["keys"])


class KeyCreate(RequestBody):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] = Field(min_length=1, description=f"any of {', '.join(keys.SCOPES)}")


class KeyOut(BaseModel):
    """A key as listed: its visible prefix, never the key."""

    model_config = ConfigDict(from_attributes=True)
    id: str
    project_id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class KeyCreated(KeyOut):
    """The answer to POST: the only time the key is shown."""

    key: str


@router.post("", status_code=201, response_model=KeyCreated)
def create_key(body: KeyCreate, response: Response, session: SessionDep, principal: Admin) -> KeyCreated:
    """Create a key in the caller's project; 201 with the key (shown this once)."""
    record, key = keys.create_key(session, principal.project_id, body.name, body.scopes)
    session.commit()
    response.headers["Location"] = f"/v1/keys/{record.id}"
    return KeyCreated(**KeyOut.model_validate(record).model_dump(), key=key)


@router.get("", response_model=list[KeyOut])
def list_keys(session: SessionDep, principal: Admin) -> list[KeyOut]:
    """The project's keys, revoked ones included, oldest first."""
    return [KeyOut.model_validate(k) for k in keys.list_keys(session, principal.project_id)]


@router.delete("/{key_id}", status_code=204, response_class=Response)
def revoke_key(key_id: str, session: SessionDep, principal: Admin) -> Response:
    """Revoke a key of the project (by id or prefix): it stops working at once."""
    keys.revoke_key(session, key_id, principal.project_id)
    session.commit()
    return Response(status_code=204)
