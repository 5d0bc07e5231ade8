"""Targeting agent: asks the optimization tool who gets which variant, when and why, and explains it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from langgraph.runtime import Runtime

from agents.context import Context
from agents.state import PromotionState
from domain.decision import Explanation, PromotionResult, TargetingDecision
from tools.targeting import VariantCandidate
from tools.targeting.constraints import FREQUENCY_CAP_DAYS, budget_note, frequency_cap_note
from tools.targeting.variant_features import critic_quality, variant_features


def target(state: PromotionState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Decide send / no-send, channel, variant and time; record the send; assemble the result."""
    ctx = runtime.context
    if state.features is None or state.profile is None:
        raise ValueError("target runs only after profiling")
    reviews = {(r.variant_id, r.attempt): r for r in state.reviews}
    candidates = [
        VariantCandidate(
            d.variant_id,
            critic_quality(review := reviews.get((d.variant_id, d.attempt))),
            variant_features(d, review, state.profile, state.campaign.offer),
        )
        for d in state.approved
    ]
    decision = ctx.services.policy.decide(
        user=ctx.services.shop.get_user(state.user_id),
        user_ref=state.user_ref,
        campaign=state.campaign,
        features=state.features,
        eligibility_channels=state.eligible_channels,
        blocked=state.constraint_notes,
        channel=state.write_channel,
        candidates=candidates,
        bought_eligible_last_7d=state.bought_eligible_last_7d,
        now=ctx.now,
    )
    if decision.send and ctx.record_sends and decision.channel and decision.send_at:
        decision = _reserve(ctx, state, decision)
    message = next((d for d in state.approved if d.variant_id == decision.variant_id), None) if decision.send else None
    chosen_review = reviews.get((message.variant_id, message.attempt)) if message else None
    result = PromotionResult(
        user_ref=state.user_ref,
        campaign_id=state.campaign.campaign_id,
        message=message,
        rendered=message.rendered_body(state.campaign.brand.brand_name) if message else None,
        decision=decision,
        explanation=Explanation(
            features_used=state.profile,
            critic_checks=chosen_review.checks_passed if chosen_review else [],
            attempts=state.attempts,
            used_fallback=state.used_fallback,
            targeting_reasons=decision.reasons + decision.constraints,
        ),
        reviews=state.reviews,
        drafts=state.all_drafts,
    )
    return {"decision": decision, "result": result}


def _reserve(ctx: Context, state: PromotionState, decision: TargetingDecision) -> TargetingDecision:
    """Log the planned send if the cap and budget still allow it; otherwise the decision becomes "do not send".

    Profiling counted the send log when this user started; a run beside this one (another campaign, another
    node) may have messaged the user since. The reservation re-checks both under a lock, so it decides.
    """
    assert decision.channel is not None and decision.send_at is not None  # the caller checked
    campaign = state.campaign
    reservation = ctx.services.shop.reserve_send(
        state.user_id,
        campaign.campaign_id,
        decision.channel,
        decision.send_at,
        cap_since=ctx.now - timedelta(days=FREQUENCY_CAP_DAYS),
        frequency_cap=campaign.frequency_cap,
        max_sends=campaign.max_sends,
    )
    if reservation.logged:
        return decision
    limit = frequency_cap_note if reservation.refused_by == "frequency_cap" else budget_note
    note = f"{limit(reservation.count, campaign)} (reached while this message was written)"
    return decision.model_copy(
        update={
            "send": False,
            "channel": None,
            "variant_id": None,
            "send_at": None,
            "constraints": [*decision.constraints, note],
        }
    )
