"""Blocking promotion work the routes run in worker threads: generate, look up a pause, answer it.

A finished or failed request's checkpoint thread is deleted at once: the caller has the result or the
error, and no user's state should outlive its use. Paused threads stay until answered (they survive
restarts).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from langchain_core.runnables import RunnableConfig

from agents.context import Context
from domain.approval import ApprovalAnswer, ApprovalRequest
from domain.decision import PromotionResult
from graphs.batch import AwaitingApproval, resume_one, run_one
from service.runtime import ServiceRuntime
from service.schemas.promotions import PromotionRequest
from service.state import ServiceState
from tools.llm.run_guard import RunGuard
from tools.thread_ids import parse_thread_id, request_thread_id


def generate(state: ServiceState, body: PromotionRequest, guard: RunGuard | None = None) -> PromotionResult:
    """Run the graph for one user; raises KeyError for an unknown user, AwaitingApproval on a pause.

    A cancelled `guard` (the client left) stops the run before its next step: RunCancelled.
    """
    runtime = state.runtime
    runtime.services.shop.get_user(body.user_id)  # an unknown user is the caller's mistake: KeyError → 404
    thread_id = request_thread_id(body.campaign.campaign_id, body.user_id)
    context = _context(runtime, runtime.clock(), n_variants=body.variants)
    return _unless_paused(
        state,
        thread_id,
        lambda: run_one(
            body.user_id,
            body.campaign,
            context,
            channel=body.channel,
            locale=body.locale,
            callbacks=[state.tokens, *([guard] if guard is not None else [])],
            compiled=state.graph,
            thread_id=thread_id,
        ),
    )


def _context(runtime: ServiceRuntime, now: datetime, n_variants: int = 2) -> Context:
    """The graph's context for one request: the service's clients and its copy settings."""
    settings = runtime.settings
    return Context(
        services=runtime.services,
        n_variants=n_variants,
        now=now,
        copy_mode=settings.copy_mode,
        llm_critique=settings.llm_critique,
    )


def _unless_paused(state: ServiceState, thread_id: str, call: Callable[[], PromotionResult]) -> PromotionResult:
    """Run `call`; afterwards delete the thread's checkpoints unless the run paused for approval."""
    paused = False
    try:
        return call()
    except AwaitingApproval:
        paused = True
        raise
    finally:
        if not paused:
            state.runtime.checkpointer.delete_thread(thread_id)


def _config(thread_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id}}


def pending_request(state: ServiceState, thread_id: str) -> ApprovalRequest | None:
    """What the reviewer of a paused thread is asked, or None when the thread is not waiting."""
    snapshot = state.graph.get_state(_config(thread_id))
    if not snapshot.next or not snapshot.interrupts:
        return None
    return ApprovalRequest.model_validate(snapshot.interrupts[0].value)


def _run_member(state: ServiceState, thread_id: str) -> tuple[str, str, datetime] | None:
    """(run_id, user_id, the run's clock) when the thread is a campaign run's (tools/thread_ids.py)."""
    parsed = parse_thread_id(thread_id)
    if parsed is None or parsed.kind != "run":
        return None
    info = state.runtime.runs.get(parsed.scope)
    user_id = None if info is None else state.runtime.runs.member(parsed.scope, parsed.user_ref)
    return None if info is None or user_id is None else (parsed.scope, user_id, info.clock)


def answer(state: ServiceState, thread_id: str, reply: ApprovalAnswer) -> PromotionResult:
    """Resume a paused thread with the reviewer's answer; raises AwaitingApproval if it pauses again.

    A campaign run's user is committed to the run store, so the run's progress and plan include them.
    """
    member = _run_member(state, thread_id)
    if member is None:
        context = _context(state.runtime, state.runtime.clock())
        return _unless_paused(
            state, thread_id, lambda: resume_one(thread_id, reply, context, state.graph, callbacks=[state.tokens])
        )
    run_id, user_id, clock = member
    context = _context(state.runtime, clock)
    result = resume_one(thread_id, reply, context, state.graph, callbacks=[state.tokens])
    state.runtime.runs.finish(run_id, user_id, result, None, 0.0)
    return result
