"""POST /v1/promotions: one message for one user, or a pause for human approval (202)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse

from domain.decision import PromotionResult
from graphs.batch import AwaitingApproval
from service import promotion_calls
from service.deps import Marketer, StateDep
from service.inflight import guarded
from service.openapi import BUSY, Responses
from service.schemas.promotions import ApprovalPending, PromotionRequest
from tools.llm.run_guard import RunCancelled, RunGuard

router = APIRouter(prefix="/v1/promotions", tags=["promotions"])
CLIENT_CLOSED_REQUEST = 499
"""The status logged for a request whose client left before its answer (nginx's convention)."""


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
async def create_promotion(
    body: PromotionRequest, request: Request, state: StateDep, _who: Marketer
) -> PromotionResult | JSONResponse:
    """Write, review and target one promotion for one user; the result says what to send and why."""
    await state.require_llm()
    async with state.jobs.slot():
        guard = RunGuard()  # a client that leaves stops the run at its next step (service/inflight.py)
        try:
            return await guarded(request, state.inflight, guard, partial(promotion_calls.generate, state, body, guard))
        except RunCancelled as cancelled:  # nobody reads this answer: the status is for the logs and metrics
            return JSONResponse({"detail": f"cancelled: {cancelled}"}, CLIENT_CLOSED_REQUEST)
        except AwaitingApproval as paused:
            return paused_response(paused)
        except KeyError as error:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(error.args[0])) from error
