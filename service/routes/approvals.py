"""/v1/approvals/{thread_id}: see what a paused promotion asks, and answer it."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Body, HTTPException, status
from fastapi.responses import JSONResponse

from domain.approval import ApprovalAnswer
from domain.decision import PromotionResult
from graphs.batch import AwaitingApproval
from service import promotion_calls
from service.deps import Marketer, StateDep
from service.openapi import Responses
from service.routes.promotions import may_pause, paused_response
from service.schemas.promotions import ApprovalPending
from service.state import ServiceState

router = APIRouter(prefix="/v1/approvals", tags=["promotions"])

EXAMPLES = {
    "edit": {
        "summary": "Send the reviewer's copy",
        "value": {
            "action": "edit",
            "reviewer": "legal@shop",
            "edited": {"title": "冬日暖饮季", "body": "双十一专场，满300减50，给冬天添一份温暖。", "cta": "去看看"},
            "note": "softened the claim",
        },
    },
    "fallback": {"summary": "Take the checked template", "value": {"action": "approve_fallback", "reviewer": "ops"}},
    "reject": {"summary": "Send nothing", "value": {"action": "reject", "reviewer": "legal@shop"}},
}
NOT_WAITING: Responses = {404: {"description": "No run is waiting for approval on that thread."}}


async def _waiting(state: ServiceState, thread_id: str) -> ApprovalPending:
    request = await anyio.to_thread.run_sync(partial(promotion_calls.pending_request, state, thread_id))
    if request is None:
        detail = f"thread {thread_id!r} is not waiting for approval (unknown, or answered already)"
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail)
    return ApprovalPending(thread_id=thread_id, request=request)


@router.get("/{thread_id}", responses=NOT_WAITING)
async def get_approval(thread_id: str, state: StateDep, _who: Marketer) -> ApprovalPending:
    """The failed drafts and their violations that a reviewer decides on."""
    return await _waiting(state, thread_id)


@router.post(
    "/{thread_id}",
    response_model=PromotionResult,
    responses=may_pause(
        "Still waiting (paused again).",
        {409: {"description": "Another answer to this thread is being applied."}, **NOT_WAITING},
    ),
)
async def answer_approval(
    thread_id: str,
    reply: Annotated[ApprovalAnswer, Body(openapi_examples=EXAMPLES)],
    state: StateDep,
    _who: Marketer,
) -> PromotionResult | JSONResponse:
    """Approve the fallback, reject, or send edited copy (still checked by every rule)."""
    await _waiting(state, thread_id)
    if thread_id in state.resuming:
        raise HTTPException(status.HTTP_409_CONFLICT, f"thread {thread_id!r} is being answered by another request")
    state.resuming.add(thread_id)  # no await between the check and the claim: one answer per thread
    try:
        await state.require_llm()
        async with state.jobs.slot():
            return await anyio.to_thread.run_sync(partial(promotion_calls.answer, state, thread_id, reply))
    except AwaitingApproval as paused:
        return paused_response(paused)
    finally:
        state.resuming.discard(thread_id)
