"""The bounded loop's graceful end: a template naming the customer's interest and the offer, checked by the rules."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import Context
from agents.copywriter import personal_values
from agents.critic import review_by_rules
from agents.state import PromotionState
from domain.channels import Channel, Locale
from domain.copy import CopyVariant, Draft
from prompts.phrases import phrase_table
from tools.compliance import OfferFacts, check_draft, fallback_variant
from tools.compose.focus import checked_focus_options
from tools.compose.render import render_slots
from tools.compose.slots import Slots

PERSONAL: dict[Locale, Slots] = {
    locale: Slots(hook=words["hook"], line=words["line"], focus="")
    for locale, words in phrase_table("compose", "personal_slots").items()
}
"""The template's own slots: with the customer's product or category as focus, no sent message is generic."""


def personal_variant(state: PromotionState, channel: Channel, facts: OfferFacts) -> CopyVariant | None:
    """The template naming the customer's in-scope interest or category; None when the profile has neither."""
    profile, locale = state.profile, state.write_locale
    if profile is None or not (profile.interests or profile.top_categories):
        return None
    options = checked_focus_options(profile, state.campaign, state.campaign_items, facts, channel, locale)
    if not options:
        return None
    slots = PERSONAL[locale].model_copy(update={"focus": options[0]})
    variant = render_slots(slots, state.campaign, facts, channel, locale)
    draft = Draft.from_variant(variant, variant_id="fallback", channel=channel, locale=locale, attempt=0)
    return None if check_draft(draft, state.campaign, facts) else variant


def write_fallback(state: PromotionState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Write and check the template variant; it is approved only if it passes like any other draft."""
    services = runtime.context.services
    if state.write_channel is None:
        raise ValueError("write_fallback runs only after profiling found a channel")
    facts = OfferFacts.from_campaign(state.campaign, state.campaign_items)
    try:
        variant = personal_variant(state, state.write_channel, facts) or fallback_variant(
            state.campaign, state.write_channel, state.write_locale, facts
        )
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
    personal = personal_values(services.shop.get_user(state.user_id))
    review = review_by_rules(draft, state.campaign, facts, personal, runtime.context.now)
    approved = [draft] if review.verdict == "PASS" else []
    return {"drafts": [draft], "all_drafts": [draft], "reviews": [review], "approved": approved, "used_fallback": True}
