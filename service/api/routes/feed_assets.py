"""PUT /v1/feeds/{slug}/intro|outro|cover: a feed's intro and outro audio and its cover art.

The files are checked, stored content-addressed, and used for every narration
in the feed from then on: intro and outro mixed in (crossfaded and matched in
loudness), the cover embedded in the MP3's ID3 tag.
"""

from __future__ import annotations

import io
from typing import Literal

import soundfile as sf
from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from service.api.auth import FeedsWrite
from service.api.deps import SessionDep, StorageDep
from service.core.errors import InvalidAsset
from service.listeners.feeds.records import get_feed

router = APIRouter(prefix="/v1/feeds", tags=["feeds"])

MAX_ASSET_BYTES = 20_000_000
ASSET_PATH_PATTERN = r"/v1/feeds/[^/]+/(intro|outro|cover)"  # the body limit for these is MAX_ASSET_BYTES
MAX_JINGLE_S = 60.0


class AssetOut(BaseModel):
    feed: str
    asset: str
    key: str
    url: str


def _audio_ext(data: bytes) -> str:
    """Check an intro/outro: WAV or FLAC, at most a minute; returns its extension."""
    try:
        info = sf.info(io.BytesIO(data))
    except Exception as exc:
        raise InvalidAsset(f"not a WAV or FLAC file: {exc}") from exc
    if info.format not in ("WAV", "FLAC"):
        raise InvalidAsset(f"intro and outro must be WAV or FLAC, not {info.format}")
    if info.duration > MAX_JINGLE_S:
        raise InvalidAsset(
            f"intro and outro may last at most {MAX_JINGLE_S:.0f} s, this one lasts {info.duration:.0f} s"
        )
    return "wav" if info.format == "WAV" else "flac"


def _image_ext(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    raise InvalidAsset("the cover must be a PNG or JPEG image")


@router.put("/{slug}/{asset}", response_model=AssetOut)
async def put_asset(
    slug: str,
    asset: Literal["intro", "outro", "cover"],
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    principal: FeedsWrite,
) -> AssetOut:
    """Upload the feed's intro or outro (WAV/FLAC body) or cover (PNG/JPEG body); replaces the previous one."""
    feed = get_feed(session, slug, principal.project_id)
    data = await request.body()
    if not data or len(data) > MAX_ASSET_BYTES:
        raise InvalidAsset(f"send the file as the request body (1 byte to {MAX_ASSET_BYTES} bytes)")
    ext = _image_ext(data) if asset == "cover" else _audio_ext(data)
    stored = await run_in_threadpool(storage.put_bytes, data, ext)  # S3: a network call
    setattr(feed, f"{asset}_key", stored.key)
    session.commit()
    return AssetOut(feed=slug, asset=asset, key=stored.key, url=f"/media/{stored.key}")


@router.delete("/{slug}/{asset}", status_code=204)
def delete_asset(
    slug: str, asset: Literal["intro", "outro", "cover"], session: SessionDep, principal: FeedsWrite
) -> None:
    """Stop using the feed's intro, outro or cover (the stored file stays for narrations that used it)."""
    feed = get_feed(session, slug, principal.project_id)
    setattr(feed, f"{asset}_key", None)
    session.commit()
