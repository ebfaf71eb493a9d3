"""/media: immutable, content-addressed files with Range, HEAD and ETag/304.

Starlette's StaticFiles already speaks Range (206, Content-Range, 416), HEAD,
ETag and If-None-Match/If-Modified-Since (304); this only adds the immutable
caching header, the right media types, and refuses names that are not storage
keys. No compression middleware is applied here: byte ranges must stay valid.
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from service.core.storage import is_valid_key

IMMUTABLE = "public, max-age=31536000, immutable"
MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".mpa": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".json": "application/json",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}


class ImmutableMedia(StaticFiles):
    """Serves a LocalStorage directory; every response is cacheable forever."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, check_dir=False)

    async def get_response(self, path: str, scope: Scope) -> Response:
        if not is_valid_key(path):
            raise HTTPException(status_code=404, detail="Not Found")
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = IMMUTABLE
        media_type = MEDIA_TYPES.get(Path(path).suffix)
        if media_type and response.status_code in (200, 206):
            response.headers["Content-Type"] = media_type
        if path.endswith((".vtt", ".json")):
            # Captions, marks and chapters are read by scripts on other sites (players, podcast web apps).
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response
