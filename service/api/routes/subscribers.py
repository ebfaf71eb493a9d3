"""/v1/feeds/{slug}/subscribers: the subscribers of a private feed, each with a feed URL of their own."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from service.api.auth import FeedsWrite
from service.api.deps import SessionDep, SettingsDep
from service.api.routes.feeds import base_url
from service.api.schemas import RequestBody
from service.core.models import FeedSubscriber
from service.listeners.feeds import records as feed_records
from service.listeners.feeds import subscribers

router = APIRouter(prefix="/v1/feeds/{slug}/subscribers", tags=["feeds"])


class SubscriberIn(RequestBody):
    """POST /v1/feeds/{slug}/subscribers."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, description="who it is for, e.g. your subscriber's id")


class SubscriberOut(BaseModel):
    id: str
    name: str
    prefix: str  # the token's first characters, to recognise it
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, record: FeedSubscriber) -> SubscriberOut:
        return cls(**{name: getattr(record, name) for name in SubscriberOut.model_fields})


class SubscriberCreated(SubscriberOut):
    feed_url: str  # shown only now: the token in it is kept only as a hash


@router.post("", status_code=201, response_model=SubscriberCreated)
def create_subscriber(
    slug: str, body: SubscriberIn, principal: FeedsWrite, request: Request, session: SessionDep, settings: SettingsDep
) -> SubscriberCreated:
    """A new subscriber: their own feed URL, shown only in this answer."""
    feed = feed_records.get_feed(session, slug, principal.project_id)
    record, token = subscribers.create_subscriber(session, feed, body.name)
    session.commit()
    url = subscribers.subscriber_feed_url(base_url(request, settings), slug, token)
    return SubscriberCreated(**SubscriberOut.of(record).model_dump(), feed_url=url)


@router.get("", response_model=list[SubscriberOut])
def list_subscribers(slug: str, principal: FeedsWrite, session: SessionDep) -> list[SubscriberOut]:
    """The feed's subscribers (revoked ones too), oldest first; never their tokens."""
    feed_records.get_feed(session, slug, principal.project_id)
    return [SubscriberOut.of(record) for record in subscribers.list_subscribers(session, slug)]


@router.delete("/{subscriber_id}", status_code=204)
def revoke_subscriber(slug: str, subscriber_id: str, principal: FeedsWrite, session: SessionDep) -> Response:
    """Revoke one subscriber (by id or prefix): their feed URL is 404 from now on."""
    feed_records.get_feed(session, slug, principal.project_id)
    subscribers.revoke_subscriber(session, slug, subscriber_id)
    session.commit()
    return Response(status_code=204)
