"""/v1/narrations: status and progress of one narration."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from service import records
from service.api.deps import get_session
from service.api.schemas import NarrationOut

router = APIRouter(prefix="/v1/narrations", tags=["narrations"])


@router.get("/{narration_id}", response_model=NarrationOut)
def get_narration(narration_id: str, session: Session = Depends(get_session)) -> NarrationOut:
    """Status (queued | running | done | failed), progress 0..1, error and timings."""
    return NarrationOut.of(records.get_narration(session, narration_id))
