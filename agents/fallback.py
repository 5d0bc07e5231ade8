"""The bounded loop's graceful end: a template variant stating only the offer, itself checked by the rules."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import Context
from agents.copywriter import personal_values
from agents.critic import review_by_rules
from agents.state import PromotionState
from domain.copy import Draft
from tools.compliance import OfferFacts, fallback_variant


def write_fallback(state: PromotionState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Write and check the template variant; it is approved only if it passes like any other draft."""
    services = runtime.context.services
    if state.write_channel is None:
        raise ValueError("write_fallback runs only after profiling found a channel")
    facts = OfferFacts.from_campaign(state.campaign, state.campaign_items)
    try:
        variant = fallback_variant(state.campaign, state.write_channel, state.write_locale, facts)
    except ValueError as error:  # no template can pass (e.g. a required phrase is itself banned): send nothing
        return {"drafts": [], "approved": [], "used_fallback": True, "errors": [f"fallback: {error}"]}
    draft = Draft.from_variant(
        variant,
        variant_id="fallback",
        channel=state.write_channel,
        locale=state.write_locale,
        attempt=state.attempts,
        source="fallback",
    )
    review = review_by_rules(draft, state.campaign, facts, personal_values(services.shop.get_user(state.user_id)))
    approved = [draft] if review.verdict == "PASS" else []
    return {"drafts": [draft], "all_drafts": [draft], "reviews": [review], "approved": approved, "used_fallback": True}
