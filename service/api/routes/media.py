"""/media/{sha256}.{ext}: immutable, content-addressed files.

With a remote storage (S3) the API does not carry the bytes: it answers 307
to the object's URL (the media base URL, else a presigned URL), where the
bucket or CDN speaks Range and caching itself. With local storage it serves
them through the storage interface: Range (206, Content-Range, 416), HEAD,
a strong ETag (the content's SHA-256) with If-None-Match / If-Modified-Since
(304) and If-Range, and caching forever. Names that are not storage keys are
404. No compression is applied here: byte ranges must stay valid.

A private article's files need a signed URL (service/articles/privacy.py).
With S3 they are redirected to a presigned URL that expires with the
signature, never to the public media base URL.
"""

from __future__ import annotations

import re
import time
from email.utils import formatdate, parsedate_to_datetime
from functools import partial

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from service.api.deps import SettingsDep, StorageDep
from service.articles.privacy import PUBLIC, MediaLinks, check_file_access, known_public
from service.core.db import session_scope
from service.core.errors import NotFound
from service.core.settings import Settings
from service.core.storage import IMMUTABLE, ObjectNotFound, ObjectStat, Storage, is_valid_key

router = APIRouter(tags=["listeners"])

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
MAX_PRESIGN_S = 604800  # the longest an S3 (SigV4) presigned URL may last


def media_redirect(storage: Storage, key: str, links: MediaLinks = PUBLIC) -> RedirectResponse:
    """307 to where `key` is fetched: its own URL (media base URL, presigned) or /media on this API.

    A private file (`links` signed) goes to a presigned URL that ends when the
    signature does, or to its signed /media URL; never to the public media base
    URL. The target changes when the article's audio does, and a presigned URL
    expires, so the redirect itself is never cached.
    """
    if links.private:
        target = storage.url(key, expires_s=_presign_seconds(links.expires), private=True) or links.media(key)
    else:
        target = storage.url(key) or f"/media/{key}"
    return RedirectResponse(target, status_code=307, headers={"Cache-Control": "no-cache", **_cors(key)})


@router.api_route("/media/{name}", methods=["GET", "HEAD"], name="media", include_in_schema=False)
async def media(
    name: str,
    request: Request,
    settings: SettingsDep,
    storage: StorageDep,
    expires: str | None = None,
    signature: str | None = None,
) -> Response:
    """An immutable stored file: 307 to the bucket with S3, else the bytes (Range, ETag/304).

    A private article's file needs a signed URL: 403 `signature_invalid` without
    a valid signature, `signature_expired` after its time.
    """
    if not is_valid_key(name):
        raise NotFound("No such file")
    if known_public(settings, name, expires, signature):
        signed_until = None  # a listener's next request for the same file: no thread hop, no database
    else:
        signed_until = await run_in_threadpool(_check_access, settings, name, request.url.path, expires, signature)
    if storage.remote:
        if signed_until is None:
            url = await run_in_threadpool(storage.url, name)
        else:
            url = await run_in_threadpool(
                partial(storage.url, name, expires_s=_presign_seconds(signed_until), private=True)
            )
        if url:
            # A cross-origin read (the player's marks) follows the redirect only if the redirect allows it too.
            return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-cache", **_cors(name)})
    try:
        stat = await run_in_threadpool(storage.stat, name)
    except ObjectNotFound:
        raise NotFound("No such file") from None
    headers = _headers(stat)
    if signed_until is not None:
        # Only the listener's own cache, and no longer than the signature: a shared cache must not serve it on.
        headers["Cache-Control"] = f"private, max-age={max(signed_until - int(time.time()), 0)}"
    if _not_modified(request, stat):
        return Response(status_code=304, headers=headers)
    start, end, status = 0, stat.size, 200
    wanted = request.headers.get("range")
    if wanted and _if_range_holds(request, stat):
        try:
            span = parse_range(wanted, stat.size)
        except ValueError:
            span = (0, stat.size)  # a Range we do not serve (several, malformed): the whole file
        else:
            if span is None:
                headers.update({"Content-Range": f"bytes */{stat.size}", "Content-Length": "0"})
                return Response(status_code=416, headers=headers)
            headers["Content-Range"] = f"bytes {span[0]}-{span[1] - 1}/{stat.size}"
            status = 206
        start, end = span
    headers["Content-Length"] = str(end - start)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers)
    try:
        chunks = await run_in_threadpool(storage.open_range, name, start, end)
    except ObjectNotFound:  # deleted between stat and read
        raise NotFound("No such file") from None
    return StreamingResponse(chunks, status_code=status, headers=headers, media_type=stat.content_type)


def _check_access(settings: Settings, key: str, path: str, expires: str | None, signature: str | None) -> int | None:
    # A session of its own, opened in the one thread hop the check needs rather than as a request dependency
    # (two more hops); a signed request does not touch the database at all.
    with session_scope(settings.database_url) as session:
        return check_file_access(session, settings, key, path, expires, signature)


def _presign_seconds(signed_until: int) -> int:
    """A presigned URL ending with the signature; SigV4 allows 1 s to 7 days."""
    return min(max(signed_until - int(time.time()), 1), MAX_PRESIGN_S)


def _headers(stat: ObjectStat) -> dict[str, str]:
    headers = {
        "Cache-Control": IMMUTABLE,
        "ETag": stat.etag,
        "Last-Modified": formatdate(stat.modified, usegmt=True),
        "Accept-Ranges": "bytes",
        "Content-Type": stat.content_type,
    }
    return headers | _cors(stat.key)


def _cors(key: str) -> dict[str, str]:
    """Captions, marks and chapters are read by scripts on other sites (players, podcast web apps)."""
    return {"Access-Control-Allow-Origin": "*"} if key.endswith((".vtt", ".json")) else {}


def _not_modified(request: Request, stat: ObjectStat) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or stat.etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since).timestamp() >= int(stat.modified)
        except (TypeError, ValueError):
            return False
    return False


def _if_range_holds(request: Request, stat: ObjectStat) -> bool:
    """A Range with If-Range applies only if the client's copy is this one (the content never changes)."""
    if_range = request.headers.get("if-range")
    if if_range is None:
        return True
    if if_range.startswith('"'):
        return if_range == stat.etag
    try:
        return parsedate_to_datetime(if_range).timestamp() >= int(stat.modified)
    except (TypeError, ValueError):
        return False


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """A single `bytes=` range as [start, end) within `size`; None if it is unsatisfiable.

    ValueError for a header to ignore (RFC 9110 lets a server answer 200 with
    the whole file): malformed, another unit, or several ranges.
    """
    match = RANGE.match(header.strip())
    if not match or (not match[1] and not match[2]):
        raise ValueError(f"unsupported Range {header!r}")
    first, last = match[1], match[2]
    if first:
        start = int(first)
        if last and int(last) < start:
            raise ValueError(f"invalid Range {header!r}")
        end = min(int(last) + 1, size) if last else size
    else:
        start, end = max(size - int(last), 0), size
    if start >= size or end <= start:
        return None
    return start, end
