"""The FastAPI application: routers, error handlers, limits, security headers and media."""

from __future__ import annotations

from fastapi import FastAPI

from service.api.auth import check_routes_declared
from service.api.deps import get_settings
from service.api.limits import BodySizeLimit
from service.api.methods import HeadAsGet
from service.api.observability import RequestObservability
from service.api.openapi import document_problems
from service.api.problems import install_problem_handlers
from service.api.ratelimit import RateLimitHeaders
from service.api.routes import (
    articles,
    feed_assets,
    feeds,
    health,
    keys,
    lexicon,
    live,
    media,
    metrics,
    narrations,
    player,
    review,
    sources,
    speech,
    stats,
    subscribers,
    voices,
)
from service.api.routes.webhooks import router as webhooks_router
from service.api.security import SecurityHeaders, install_cors
from service.console import router as console
from service.core.db import engine_for
from service.core.metrics import HttpMetrics
from service.core.ratelimit import RateLimiter
from service.core.settings import Settings
from service.core.settings import get_settings as process_settings
from service.core.voices import catalog_dirs, load_catalog


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API; `settings` overrides the process settings (tests, `narrator serve`)."""
    settings = settings or process_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine_for(settings.database_url)  # create the schema before the first request
    load_catalog(catalog_dirs(settings))  # a broken voice file stops the start, naming the file
    app = FastAPI(title="narrator", version="0.1.0", description="Listen to article: narrated MP3s of your articles.")
    app.dependency_overrides[get_settings] = lambda: settings
    install_problem_handlers(app)
    for module in (articles, live, narrations, review, voices, lexicon, speech, feed_assets, health, metrics):
        app.include_router(module.router)
    app.include_router(webhooks_router)
    for module in (feeds, subscribers, player, stats, keys, sources):
        app.include_router(module.router)
    console.install(app, settings)  # /console: the editors' pages (their scopes come from the console session)
    check_routes_declared(app, principals=[console.PRINCIPAL])  # every route is public or names its scope
    player.install(app)  # /static for the player page; CORS for the component's cross-origin reads
    app.include_router(media.router)  # /media: served from local storage, redirected to the bucket with S3
    document_problems(app)  # 401/403/404/413/429/503 in the OpenAPI document, from how each route is built
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        per_route=[
            (feed_assets.ASSET_PATH_PATTERN, feed_assets.MAX_ASSET_BYTES),
            *console.BODY_LIMITS,
        ],
    )
    app.add_middleware(HeadAsGet)
    app.state.rate_limiter = RateLimiter.from_settings(settings)  # counted in service/api/auth.py and ratelimit.py
    app.add_middleware(RateLimitHeaders)
    app.add_middleware(SecurityHeaders)
    install_cors(app, settings.cors_origins)
    # Outermost of ours: every answer, even a refused body, gets the request id and is counted.
    app.state.http_metrics = HttpMetrics()
    app.add_middleware(RequestObservability, metrics=app.state.http_metrics)
    return app
