"""The embeddable player: GET /player/{article_id} (a page for an iframe) and GET /player.js (the web component).

The component runs on publishers' pages, so the few read-only resources it
fetches from there answer with `Access-Control-Allow-Origin: *` (see
`PublicReadCors`). Nothing here sets or reads cookies.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from string import Template

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel
from starlette.datastructures import MutableHeaders
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.deps import SessionDep, SettingsDep
from service.api.security import player_page_csp
from service.articles import records
from service.articles.privacy import route_links
from service.articles.views import audio_files

STATIC_DIR = Path(__file__).resolve().parents[2] / "listeners" / "static"
router = APIRouter(tags=["player"])

# The script URL stays the same across releases, so caches revalidate it rather than keep it for long.
SCRIPT_CACHE_CONTROL = "public, max-age=3600"


def _page_template() -> Template:
    return Template((STATIC_DIR / "player.html").read_text(encoding="utf-8"))


@router.get("/player/{article_id}", response_class=HTMLResponse)
def player_page(
    article_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    expires: str | None = None,
    signature: str | None = None,
) -> HTMLResponse:
    """A minimal page holding only the player for one article, for publishers who embed an iframe.

    A private article's page needs its signed `player_url`; it hands the player a
    signed player.json URL that ends at the same time. Everything it loads comes from here; the sites in
    NARRATOR_FRAME_ANCESTORS (any, by default) may frame it.
    """
    article = records.get_article(session, article_id)
    links = route_links(session, settings, article, request.url.path, expires, signature)
    title = article.title or "Listen to this article"
    html = _page_template().substitute(
        title=escape(title),
        article_id=escape(article.id),
        language=escape(article.language),
        source=escape(links.route(f"/v1/articles/{article.id}/player.json")),
    )
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": player_page_csp(settings.frame_ancestors),
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "private, no-cache" if links.private else "no-cache",
        },
    )


@router.get("/player.js", response_class=FileResponse)
def player_script() -> FileResponse:
    """The `<narrator-player>` web component (no dependencies)."""
    return FileResponse(
        STATIC_DIR / "player.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": SCRIPT_CACHE_CONTROL, "Access-Control-Allow-Origin": "*"},
    )


class PlayerSource(BaseModel):
    """One format of the current narration, as an <audio>'s <source>: the player plays the first it can."""

    url: str
    type: str  # a media type for canPlayType: audio/ogg; codecs=opus, audio/mp4, audio/mpeg


class PlayerArticle(BaseModel):
    """What the player needs of an article, public like the audio itself (GET /v1/articles/{id} needs a key)."""

    id: str
    title: str | None
    language: str
    text: str  # for read-along: the words the audio speaks
    current_narration: dict[str, object] | None  # {"id", "duration_s"} once a version is done
    audio_url: str | None
    # The current narration in each format, smallest first; the MP3 last (audio_url, which every browser plays).
    sources: list[PlayerSource] = []
    captions_url: str | None
    marks_url: str | None


@router.get("/v1/articles/{article_id}/player.json", response_model=PlayerArticle)
def player_article(
    article_id: str,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    expires: str | None = None,
    signature: str | None = None,
) -> PlayerArticle:
    """The article as the embeddable player reads it: title, text and the current narration's files.

    A private article's needs a signed URL (the player page hands it one); its file URLs are signed too.
    """
    article = records.get_article(session, article_id)
    links = route_links(session, settings, article, request.url.path, expires, signature)
    if links.private:
        response.headers["Cache-Control"] = "private, no-store"
    current = records.current_narration(session, article)
    done = current is not None and bool(current.audio_key)
    audio_url = links.route(f"/v1/articles/{article.id}/audio.mp3") if done else None
    sources = [
        PlayerSource(url=f.url, type=f.media_type)
        for f in (audio_files(current, links) if current and done else [])
        if f.format != "mp3"
    ]
    if audio_url:
        sources.append(PlayerSource(url=audio_url, type="audio/mpeg"))
    return PlayerArticle(
        id=article.id,
        title=article.title,
        language=article.language,
        text=records.document_of(article).text,
        current_narration={"id": current.id, "duration_s": current.duration_s} if current and done else None,
        audio_url=audio_url,
        sources=sources,
        captions_url=links.media(current.captions_key) if current and done and current.captions_key else None,
        marks_url=links.media(current.marks_key) if current and done and current.marks_key else None,
    )


# GET/HEAD paths the component reads cross-origin: the article JSON, its stats, and the script itself.
_PUBLIC_READ = re.compile(r"^/v1/articles/[^/]+(/stats|/player\.json)?$|^/player\.js$")
_EVENTS = re.compile(r"^/v1/articles/[^/]+/events$")


class PublicReadCors:
    """Adds `Access-Control-Allow-Origin: *` to the player's cross-origin reads and beacons.

    Only these paths, never credentials: the API as a whole is not opened to
    other origins. Beacons are simple requests (text/plain), so no preflight.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._public(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Access-Control-Allow-Origin"] = "*"
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    def _public(method: str, path: str) -> bool:
        if method in ("GET", "HEAD"):
            return bool(_PUBLIC_READ.match(path))
        return method == "POST" and bool(_EVENTS.match(path))


def install(app: FastAPI) -> None:
    """Serve the page's static files and let the component read its resources from publishers' pages."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(PublicReadCors)
