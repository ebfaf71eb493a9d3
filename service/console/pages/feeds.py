"""Console page: podcast feeds. Create and edit them, upload intro, outro and cover, copy the URL, see episodes.

Forms are checked with the API's own models (`FeedIn`, `FeedChannelIn`) and
stored through the same plain functions as `/v1/feeds` (records, assets).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, UploadFile
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, RedirectResponse, Response

from service.api.deps import SessionDep, SettingsDep, StorageDep
from service.api.routes.feeds import FeedChannelIn, FeedIn, base_url
from service.console.forms import PostedForm, field_errors, text_fields
from service.console.session import ConsoleFeedsWrite, ConsoleRead, ConsoleUser
from service.console.templating import render
from service.core.errors import DuplicateFeed, InvalidAsset
from service.core.models import Feed
from service.core.settings import Settings
from service.listeners.feeds import records as feed_records
from service.listeners.feeds.assets import (
    ASSETS,
    MAX_ASSET_BYTES,
    Asset,
    asset_key,
    asset_url,
    clear_asset,
    store_asset,
)
from service.listeners.feeds.categories import APPLE_CATEGORIES
from service.listeners.feeds.episodes import feed_links, feed_url

router = APIRouter()

# The body limit of an upload form (service/api/app.py): the file and the form's few other fields.
UPLOAD_PATH_PATTERN = r"/console/feeds/[^/]+/assets/(intro|outro|cover)"
MAX_UPLOAD_BYTES = MAX_ASSET_BYTES + 64_000

CHANNEL_FIELDS = (
    *("title", "description", "language", "author", "owner_email"),
    *("image_url", "link", "category", "subcategory"),
)
ACCEPT = {
    "intro": "audio/wav,audio/x-wav,audio/flac,.wav,.flac",
    "outro": "audio/wav,audio/x-wav,audio/flac,.wav,.flac",
}
ACCEPT["cover"] = "image/png,image/jpeg"


def channel_data(form: FormData) -> dict[str, Any]:
    """A feed form as the API's body: blank optional fields left out, checkboxes as booleans."""
    data: dict[str, Any] = dict(text_fields(form, *CHANNEL_FIELDS))
    data.update(explicit="explicit" in form, locked="locked" in form)
    return data


def _list(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    settings: Settings,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    base = base_url(request, settings)
    feeds = feed_records.list_feeds(session, user.principal.project_id)
    return render(
        request,
        settings,
        "feeds/list.html",
        user=user,
        session=user.session,
        title="Feeds",
        status_code=status_code,
        feeds=[(feed, feed_url(base, feed.slug), feed_records.episode_count(session, feed.slug)) for feed in feeds],
        categories=APPLE_CATEGORIES,
        values=values or {"language": "en"},
        errors=errors or {},
    )


@router.get("/feeds", response_class=HTMLResponse)
def feeds_page(request: Request, user: ConsoleRead, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """Every feed of the project with its URL and episode count; the form to create one (with feeds:write)."""
    return _list(request, user, session, settings)


@router.post("/feeds", response_class=HTMLResponse)
def create_feed(
    request: Request, user: ConsoleFeedsWrite, session: SessionDep, settings: SettingsDep, form: PostedForm
) -> Response:
    """Create a feed from the form; to its page, or the form again with what to fix."""
    data = {**channel_data(form), "slug": text_fields(form, "slug").get("slug", "")}
    try:
        body = FeedIn.model_validate(data)
    except ValidationError as exc:
        return _list(request, user, session, settings, values=data, errors=field_errors(exc), status_code=422)
    base = base_url(request, settings)
    try:
        feed_records.create_feed(
            session, body.slug, body.fields(), feed_url=feed_url(base, body.slug), project=user.principal.project_id
        )
    except DuplicateFeed as exc:
        return _list(request, user, session, settings, values=data, errors={"slug": exc.message}, status_code=409)
    session.commit()
    return RedirectResponse(f"/console/feeds/{body.slug}?created=1", status_code=303)


def _detail(
    request: Request,
    user: ConsoleUser,
    session: SessionDep,
    settings: Settings,
    feed: Feed,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    base = base_url(request, settings)
    links = feed_links(settings, feed, base)  # a private feed's signed, as its subscribers get them
    episodes = [
        (article, narration, links.media(narration.audio_key or ""))
        for article, narration in feed_records.feed_items(session, feed.slug)
    ]
    assets = {asset: asset_key(feed, asset) for asset in ASSETS}
    return render(
        request,
        settings,
        "feeds/detail.html",
        user=user,
        session=user.session,
        title=f"Feed: {feed.title}",
        status_code=status_code,
        feed=feed,
        rss_url=feed_url(base, feed.slug),
        episodes=episodes,
        assets={a: (key, asset_url(settings, feed, key) if key else None) for a, key in assets.items()},
        accept=ACCEPT,
        max_asset_mb=MAX_ASSET_BYTES // 1_000_000,
        categories=APPLE_CATEGORIES,
        values=values or {name: getattr(feed, name) for name in (*CHANNEL_FIELDS, "explicit", "locked")},
        errors=errors or {},
        notice=notice,
    )


NOTICES = {
    "created": "Feed created. Its URL is ready to copy; upload a cover, an intro or an outro below.",
    "saved": "Feed saved.",
    "uploaded": "File uploaded: every narration in the feed uses it from now on.",
    "removed": "File removed from the feed.",
}


@router.get("/feeds/{slug}", response_class=HTMLResponse)
def feed_page(
    slug: str, request: Request, user: ConsoleRead, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """One feed: its URL, its channel (a form with feeds:write), its intro, outro and cover, its episodes."""
    feed = feed_records.get_feed(session, slug, user.principal.project_id)
    notice = next((text for key, text in NOTICES.items() if key in request.query_params), None)
    return _detail(request, user, session, settings, feed, notice=notice)


@router.post("/feeds/{slug}", response_class=HTMLResponse)
def edit_feed(
    slug: str, request: Request, user: ConsoleFeedsWrite, session: SessionDep, settings: SettingsDep, form: PostedForm
) -> Response:
    """Save the feed's channel from the form; the page again, with what to fix if it is refused."""
    feed = feed_records.get_feed(session, slug, user.principal.project_id)
    data = channel_data(form)
    try:
        body = FeedChannelIn.model_validate(data)
    except ValidationError as exc:
        return _detail(request, user, session, settings, feed, values=data, errors=field_errors(exc), status_code=422)
    feed_records.update_feed(session, slug, body.fields(), user.principal.project_id)
    session.commit()
    return RedirectResponse(f"/console/feeds/{slug}?saved=1", status_code=303)


@router.post("/feeds/{slug}/assets/{asset}", response_class=HTMLResponse)
async def upload_asset(
    slug: str,
    asset: Asset,
    request: Request,
    user: ConsoleFeedsWrite,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    file: UploadFile,
) -> Response:
    """Store the chosen file as the feed's intro, outro or cover (checked as the API checks it)."""
    data = await file.read(MAX_ASSET_BYTES + 1)
    try:
        await run_in_threadpool(store_asset, session, storage, slug, asset, data, user.principal.project_id)
    except InvalidAsset as exc:
        session.rollback()
        feed = feed_records.get_feed(session, slug, user.principal.project_id)
        return _detail(request, user, session, settings, feed, errors={f"asset-{asset}": exc.message}, status_code=422)
    session.commit()
    return RedirectResponse(f"/console/feeds/{slug}?uploaded={asset}#assets", status_code=303)


@router.post("/feeds/{slug}/assets/{asset}/remove")
def remove_asset(slug: str, asset: Asset, user: ConsoleFeedsWrite, session: SessionDep) -> RedirectResponse:
    """Stop using the feed's intro, outro or cover."""
    clear_asset(session, slug, asset, user.principal.project_id)
    session.commit()
    return RedirectResponse(f"/console/feeds/{slug}?removed={asset}#assets", status_code=303)
