"""POST /v1/feedback: impressions, clicks, conversions, unsubscribes; idempotent, bad rows reported."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter
from pydantic import ValidationError

from campaign.feedback import FeedbackEvent
from campaign.ingest import revoke_consent
from service.deps import Marketer, StateDep
from service.schemas.feedback import FeedbackBatch, FeedbackReport, RefusedRow
from service.state import ServiceState

router = APIRouter(prefix="/v1/feedback", tags=["feedback"])


def parse_rows(rows: list[dict[str, Any]]) -> tuple[list[FeedbackEvent], list[RefusedRow]]:
    """Validate each row alone: the good become events, the bad are listed with why."""
    events: list[FeedbackEvent] = []
    refused: list[RefusedRow] = []
    for index, row in enumerate(rows):
        try:
            events.append(FeedbackEvent.model_validate(row))
        except ValidationError as error:
            reason = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in error.errors())
            refused.append(RefusedRow(index=index, reason=reason))
    return events, refused


def _ingest(state: ServiceState, events: list[FeedbackEvent], refused: list[RefusedRow]) -> FeedbackReport:
    added, duplicates = state.runtime.feedback.add(events)
    unsubscribes = [e for e in events if e.kind == "unsubscribe"]
    revoked = revoke_consent(state.runtime.services.shop, unsubscribes)
    return FeedbackReport(added=added, duplicates=duplicates, refused=refused, consent_revoked=revoked)


@router.post("")
async def post_feedback(body: FeedbackBatch, state: StateDep, _who: Marketer) -> FeedbackReport:
    """Log events (a repeated event_id is counted once); an unsubscribe revokes that channel's consent at once."""
    events, refused = parse_rows(body.events)
    return await anyio.to_thread.run_sync(_ingest, state, events, refused)
