"""POST /v1/promotions: one message for one user, or a pause for human approval (202)."""

from __future__ import annotations

from functools import partial

import anyio
from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse

from domain.decision import PromotionResult
from graphs.batch import AwaitingApproval
from service import promotion_calls
from service.deps import Marketer, StateDep
from service.openapi import BUSY, Responses
from service.schemas.promotions import ApprovalPending, PromotionRequest

router = APIRouter(prefix="/v1/promotions", tags=["promotions"])


def paused_response(paused: AwaitingApproval) -> JSONResponse:
    """202 with what the reviewer must see, and where to answer."""
    body = ApprovalPending(thread_id=paused.thread_id, request=paused.request)
    location = f"/v1/approvals/{paused.thread_id}"
    return JSONResponse(body.model_dump(mode="json"), status.HTTP_202_ACCEPTED, headers={"Location": location})


def may_pause(paused: str, errors: Responses) -> Responses:
    """The answers a route that may pause for approval documents: 202 (`paused`) with the request, errors, BUSY."""
    return {202: {"model": ApprovalPending, "description": paused}, **errors, **BUSY}


@router.post(
    "",
    response_model=PromotionResult,
    responses=may_pause("AwaitingApproval for human approval.", {404: {"description": "No such user."}}),
)
async def create_promotion(body: PromotionRequest, state: StateDep, _who: Marketer) -> PromotionResult | JSONResponse:
    """Write, review and target one promotion for one user; the result says what to send and why."""
    await state.require_llm()
    async with state.jobs.slot():
        try:
            return await anyio.to_thread.run_sync(partial(promotion_calls.generate, state, body))
        except AwaitingApproval as paused:
            return paused_response(paused)
        except KeyError as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(error.args[0])) from error
