"""/healthz (the process answers) and /readyz (its dependencies answer)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from service.api.deps import QueueDep, SessionDep, StorageDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the API process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(
    session: SessionDep,
    queue: QueueDep,
    storage: StorageDep,
) -> JSONResponse:
    """Readiness: database, broker and storage all answer; 503 names the ones that do not."""
    checks: dict[str, str] = {}
    for name, probe in (
        ("database", lambda: session.execute(text("SELECT 1"))),
        ("broker", queue.check),
        ("storage", storage.check),
    ):
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - a readiness probe reports, it does not raise
            checks[name] = f"error: {type(exc).__name__}: {exc}"[:300]
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unready", "checks": checks}, status_code=200 if ready else 503
    )
