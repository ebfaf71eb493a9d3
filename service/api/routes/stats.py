"""/v1/articles/{id}/events (the player's anonymous beacons) and the stats they make: totals, per day, most played."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from service.api.auth import StatsRead
from service.api.deps import SessionDep
from service.api.ratelimit import AddressLimited, RateLimiterDep, client_address
from service.api.schemas import RequestBody
from service.articles import records
from service.listeners import plausibility
from service.listeners.feeds import listens
from service.listeners.feeds.records import get_feed

router = APIRouter(tags=["stats"])

MAX_DAYS = 366
DaysQuery = Annotated[int, Query(ge=1, le=MAX_DAYS, description="the window: this many days (UTC) ending today")]


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


class DayOut(BaseModel):
    day: date
    plays: int
    reached: dict[str, int]


class DailyStatsOut(BaseModel):
    """Plays and quartiles reached per UTC day, every day of the window (zeros included), and their totals."""

    first: date
    last: date
    plays: int
    reached: dict[str, int]
    days: list[DayOut]

    @classmethod
    def of(cls, stats: listens.DailyStats) -> DailyStatsOut:
        totals = stats.totals
        return cls(
            first=stats.days[0].day,
            last=stats.days[-1].day,
            plays=totals.plays,
            reached={str(q): n for q, n in totals.reached.items()},
            days=[
                DayOut(day=d.day, plays=d.plays, reached={str(q): n for q, n in d.reached.items()}) for d in stats.days
            ],
        )


class PlayedOut(BaseModel):
    article_id: str
    title: str | None
    feed: str | None
    plays: int


async def beacon_body(request: Request) -> ListenEventIn:
    """The event, parsed as JSON whatever its Content-Type: `navigator.sendBeacon`
    sends strings as text/plain, which needs no CORS preflight."""
    try:
        return ListenEventIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


@router.post("/v1/articles/{article_id}/events", status_code=204, response_class=Response)
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


@router.get("/v1/articles/{article_id}/stats", response_model=StatsOut)
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


@router.get("/v1/articles/{article_id}/stats/daily", response_model=DailyStatsOut)
def get_daily_stats(article_id: str, session: SessionDep, principal: StatsRead, days: DaysQuery = 30) -> DailyStatsOut:
    """The article's plays and quartiles reached, per day."""
    records.get_article(session, article_id, principal.project_id)
    first, last = listens.window(days)
    return DailyStatsOut.of(listens.daily_stats(session, first, last, article_id=article_id))


@router.get("/v1/feeds/{slug}/stats/daily", response_model=DailyStatsOut)
def get_feed_daily_stats(slug: str, session: SessionDep, principal: StatsRead, days: DaysQuery = 30) -> DailyStatsOut:
    """Plays and quartiles reached of all the feed's articles, per day."""
    get_feed(session, slug, principal.project_id)
    first, last = listens.window(days)
    return DailyStatsOut.of(listens.daily_stats(session, first, last, feed=slug, project=principal.project_id))


@router.get(
    "/v1/stats/most-played",
    response_model=list[PlayedOut],
    responses={404: {"description": "No such feed (`not_found`)"}},
)
def get_most_played(
    session: SessionDep,
    principal: StatsRead,
    days: DaysQuery = 30,
    feed: str | None = None,
    limit: int = Query(default=20, ge=1, le=100),
) -> list[PlayedOut]:
    """The articles played most in the window (of one feed, if given), most first."""
    if feed is not None:
        get_feed(session, feed, principal.project_id)
    first, last = listens.window(days)
    played = listens.most_played(session, first, last, project=principal.project_id, feed=feed, limit=limit)
    return [PlayedOut(article_id=a.id, title=a.title, feed=a.feed, plays=n) for a, n in played]
