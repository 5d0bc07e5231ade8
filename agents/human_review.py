"""Human approval: when rewrites run out and the campaign asks for it, pause the graph for a reviewer."""

from __future__ import annotations

from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agents.context import Context
from agents.copywriter import personal_values
from agents.critic import review_by_rules
from agents.state import PromotionState
from domain.approval import ApprovalAnswer, ApprovalRequest
from domain.copy import Draft
from tools.compliance import OfferFacts


def request_approval(state: PromotionState, runtime: Runtime[Context]) -> Command[Literal["fallback", "target"]]:
    """Interrupt with every attempt and its violations; resume with an ApprovalAnswer."""
    if state.write_channel is None:
        raise ValueError("request_approval runs only after profiling found a channel")
    request = ApprovalRequest(
        user_ref=state.user_ref,
        campaign_id=state.campaign.campaign_id,
        channel=state.write_channel,
        locale=state.write_locale,
        drafts=state.all_drafts,
        reviews=state.reviews,
    )
    # On resume this node runs again from the top: everything above is pure, so that is safe.
    answer = ApprovalAnswer.model_validate(interrupt(request.model_dump(mode="json")))
    audit = f"reviewer {answer.reviewer}: {answer.action}{' — ' + answer.note if answer.note else ''}"
    if answer.action == "approve_fallback":
        return Command(goto="fallback", update={"errors": [audit]})
    if answer.action == "reject" or answer.edited is None:
        return Command(goto="target", update={"approved": [], "errors": [audit]})
    draft = Draft.from_variant(
        answer.edited,
        variant_id="human",
        channel=state.write_channel,
        locale=state.write_locale,
        attempt=state.attempts,
        source="human",
    )
    services = runtime.context.services
    facts = OfferFacts.from_campaign(state.campaign, state.campaign_items)
    personal = personal_values(services.shop.get_user(state.user_id))
    review = review_by_rules(draft, state.campaign, facts, personal, runtime.context.now)
    approved = [draft] if review.verdict == "PASS" else []
    return Command(
        goto="target",
        update={"drafts": [draft], "all_drafts": [draft], "reviews": [review], "approved": approved, "errors": [audit]},
    )
