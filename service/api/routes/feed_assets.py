"""PUT/DELETE /v1/feeds/{slug}/intro|outro|cover: a feed's intro and outro audio and its cover art.

The rules (formats, sizes, where they are stored) are in service/listeners/feeds/assets.py.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from service.api.auth import FeedsWrite
from service.api.deps import SessionDep, SettingsDep, StorageDep
from service.listeners.feeds.assets import MAX_ASSET_BYTES, Asset, asset_url, clear_asset, store_asset
from service.listeners.feeds.records import get_feed

router = APIRouter(prefix="/v1/feeds", tags=["feeds"])

ASSET_PATH_PATTERN = r"/v1/feeds/[^/]+/(intro|outro|cover)"  # the body limit for these is MAX_ASSET_BYTES
__all__ = ["ASSET_PATH_PATTERN", "MAX_ASSET_BYTES", "router"]


class AssetOut(BaseModel):
    feed: str
    asset: str
    key: str
    url: str


@router.put("/{slug}/{asset}", response_model=AssetOut)
async def put_asset(
    slug: str,
    asset: Asset,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    principal: FeedsWrite,
) -> AssetOut:
    """Upload the feed's intro or outro (WAV/FLAC body) or cover (PNG/JPEG body); replaces the previous one.

    `url` is where it is fetched: signed and expiring in a private feed, as its episodes are.
    """
    data = await request.body()
    # The checks read the file and S3 storage is a network call: off the event loop.
    key = await run_in_threadpool(store_asset, session, storage, slug, asset, data, principal.project_id)
    session.commit()
    url = asset_url(settings, get_feed(session, slug, principal.project_id), key)
    return AssetOut(feed=slug, asset=asset, key=key, url=url)


@router.delete("/{slug}/{asset}", status_code=204)
def delete_asset(slug: str, asset: Asset, session: SessionDep, principal: FeedsWrite) -> None:
    """Stop using the feed's intro, outro or cover (the stored file stays for narrations that used it)."""
    clear_asset(session, slug, asset, principal.project_id)
    session.commit()
