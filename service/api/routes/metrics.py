"""/metrics: the API's counters and the service's state, in Prometheus' text format."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.api.auth import MetricsRead
from service.api.deps import QueueDep, SessionDep
from service.core.metrics import Families, HttpMetrics, state_families

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"description": "Prometheus text format", "content": {CONTENT_TYPE_LATEST: {}}}},
)
def metrics(request: Request, session: SessionDep, queue: QueueDep, _principal: MetricsRead) -> Response:
    """HTTP requests and latency (this process), narrations by status, stored bytes and queue depth (read now).

    Service-wide totals, across projects: the key needs `metrics:read`. The
    workers' own metrics (synthesis, cache, assembly, webhooks) are served by
    each worker (`NARRATOR_WORKER_METRICS_PORT`), not here.
    """
    http: HttpMetrics = request.app.state.http_metrics
    body = generate_latest(Families(http.registry, state_families(session, queue.depths)))
    return Response(body, media_type=CONTENT_TYPE_LATEST)
