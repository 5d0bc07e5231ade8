"""GET /v1/audit: who asked for what (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import Admin, StateDep
from service.schemas.admin import AuditView

router = APIRouter(prefix="/v1/audit", tags=["admin"])


@router.get("")
def read_audit(
    state: StateDep, _who: Admin, limit: Annotated[int, Query(ge=1, le=1000, description="Newest entries.")] = 100
) -> list[AuditView]:
    """The newest requests: key name, role, route template, status, latency."""
    return state.runtime.audit.recent(limit)
