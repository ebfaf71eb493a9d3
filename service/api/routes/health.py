"""/healthz (the process answers) and /readyz (its dependencies answer)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import Session

from service.api.deps import get_queue, get_session, get_storage
from service.core.queue import NarrationQueue
from service.core.storage import Storage

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the API process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(
    session: Session = Depends(get_session),
    queue: NarrationQueue = Depends(get_queue),
    storage: Storage = Depends(get_storage),
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
    return JSONResponse({"status": "ready" if ready else "unready", "checks": checks}, status_code=200 if ready else 503)
