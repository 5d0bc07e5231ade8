"""The chat preview node: the promotion graph run for each sampled user, concurrently, nothing sent."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.chat_events import emit, emit_user_done
from graphs.batch import UserOutcome, run_many
from graphs.chat_state import ChatState
from graphs.context import ChatContext
from tools.pseudonym import user_ref

STARTING = {"zh": "正在为 {n} 位用户撰写并审核文案…", "en": "Writing and reviewing copy for {n} users…"}


def preview_copy(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
    """Run the promotion graph per sampled user (record_sends=False); report each user as they finish."""
    ctx, brief, campaign = runtime.context, state.brief, state.campaign
    if brief is None or campaign is None:
        raise ValueError("preview_copy runs only after the intake produced a brief")
    refs = {user_id: user_ref(user_id) for user_id in state.audience_ids}

    def private(outcome: UserOutcome) -> str | None:
        # Errors may quote the shop id (e.g. KeyError "no user 'u001'"): show the pseudonym instead.
        return outcome.error.replace(outcome.user_id, refs[outcome.user_id]) if outcome.error else None

    def done(outcome: UserOutcome) -> None:
        emit_user_done(outcome.result, refs[outcome.user_id], private(outcome), brief)

    emit("status", STARTING[brief.locale].format(n=len(refs)), {"users": len(refs)})
    outcomes = run_many(
        state.audience_ids,
        campaign,
        ctx.promotion_context(brief.n_variants),
        concurrency=max(1, min(ctx.concurrency, len(refs))),
        on_done=done,
    )
    return {
        "results": [o.result for o in outcomes if o.result is not None],
        "failures": [f"{refs[o.user_id]}: {private(o)}" for o in outcomes if o.result is None],
    }
