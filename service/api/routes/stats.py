"""/v1/articles/{id}/events (the player's anonymous beacons) and /v1/articles/{id}/stats (their summary)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from service.api.auth import StatsRead
from service.api.deps import SessionDep
from service.api.ratelimit import AddressLimited, RateLimiterDep, client_address
from service.api.schemas import RequestBody
from service.articles import records
from service.listeners import plausibility
from service.listeners.feeds import listens

router = APIRouter(prefix="/v1/articles", tags=["stats"])


class ListenEventIn(RequestBody):
    """One event: {"event": "play"} or {"event": "progress", "percent": 25 | 50 | 75 | 100}, and its listen.

    `listen` is a random id the player makes at each play, so the events of one listen can be told
    apart (service/listeners/plausibility.py); it is never stored with the counts.
    """

    model_config = ConfigDict(extra="forbid")
    event: Literal["play", "progress"]
    listen: str = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")
    percent: Literal[25, 50, 75, 100] | None = None

    @model_validator(mode="after")
    def _percent_with_progress(self) -> ListenEventIn:
        if (self.event == "progress") != (self.percent is not None):
            raise ValueError("'percent' is required with 'progress' and only there")
        return self

    @property
    def kind(self) -> str:
        return "play" if self.event == "play" else f"p{self.percent}"


class StatsOut(BaseModel):
    article_id: str
    plays: int
    reached: dict[str, int]  # "25" | "50" | "75" | "100" -> listens that got that far
    completion_rate: float | None  # reached 100 % / plays


async def beacon_body(request: Request) -> ListenEventIn:
    """The event, parsed as JSON whatever its Content-Type: `navigator.sendBeacon`
    sends strings as text/plain, which needs no CORS preflight."""
    try:
        return ListenEventIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


@router.post("/{article_id}/events", status_code=204, response_class=Response)
def post_event(
    article_id: str,
    request: Request,
    session: SessionDep,
    limiter: RateLimiterDep,
    _limited: AddressLimited,
    event: Annotated[ListenEventIn, Depends(beacon_body)],
) -> Response:
    """Count a play or a quartile reached (anonymous: nothing about the listener is kept).

    429 over the per-address limit; 422 `implausible_listen` for an event no player sends (not counted).
    """
    article = records.get_article(session, article_id)
    plausibility.check_event(limiter, article.id, event.listen, event.kind, client_address(request))
    listens.record_event(session, article, event.kind)
    session.commit()
    return Response(status_code=204)


@router.get("/{article_id}/stats", response_model=StatsOut)
def get_stats(article_id: str, session: SessionDep, principal: StatsRead) -> StatsOut:
    """Plays and how many listens reached 25/50/75/100 %."""
    records.get_article(session, article_id, principal.project_id)
    stats = listens.stats_of(session, article_id)
    return StatsOut(
        article_id=article_id,
        plays=stats.plays,
        reached={str(q): n for q, n in stats.reached.items()},
        completion_rate=round(stats.reached[100] / stats.plays, 4) if stats.plays else None,
    )
