"""Profiling agent: the user's history from Chroma, derived features, and who may be reached where."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from langgraph.runtime import Runtime

from domain.offer import Campaign
from domain.people import Event
from graphs.context import Context
from graphs.state import PromotionState
from tools.compliance import OfferFacts
from tools.features import derive_features, to_prompt_profile
from tools.pseudonym import user_ref
from tools.targeting import eligible_channels
from tools.untrusted_text import safe_interests

RELATED_HISTORY_K = 5


def campaign_query(campaign: Campaign) -> str:
    """The text the user's history is searched with: what the campaign is about."""
    return " ".join([campaign.name, *campaign.eligible_categories])


def bought_in_campaign_range(events: list[Event], campaign: Campaign, since_days: int = 7) -> bool:
    """Whether the user bought something the campaign covers in the last days (they may not need it now)."""
    cutoff = max((e.ts for e in events), default=None)
    if cutoff is None:
        return False
    in_range = set(campaign.eligible_categories)
    items = set(campaign.eligible_item_ids)
    return any(
        e.kind == "purchase"
        and e.ts >= cutoff - timedelta(days=since_days)
        and (e.category in in_range or e.item_id in items)
        for e in events
    )


def profile_user(state: PromotionState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Load history, derive features, and apply the hard constraints before any LLM work is spent."""
    services, now = runtime.context.services, runtime.context.now
    user = services.shop.get_user(state.user_id)
    events = services.history.events_for(state.user_id)
    related = services.history.search(state.user_id, campaign_query(state.campaign), k=RELATED_HISTORY_K)
    features = derive_features(events, now, related)
    eligibility = eligible_channels(
        user,
        state.campaign,
        sends_last_7d=services.shop.count_sends_since(state.user_id, now - timedelta(days=7)),
        campaign_sends=services.shop.count_campaign_sends(state.campaign.campaign_id),
        channel_clicks=features.channel_clicks,
        requested=state.channel,
    )
    bought = bought_in_campaign_range(events, state.campaign)
    items = services.shop.items_for_campaign(state.campaign.eligible_categories, state.campaign.eligible_item_ids)
    locale = state.locale or user.locale
    profile = to_prompt_profile(features)
    facts = OfferFacts.from_campaign(state.campaign, items)
    profile = profile.model_copy(update={"interests": safe_interests(profile.interests, facts, locale)})
    score = services.policy.prescreen(features, state.campaign, bought_eligible_last_7d=bought)
    return {
        "user_ref": user_ref(state.user_id),
        "worth_writing": eligibility.reachable and score.lift >= services.policy.threshold,
        "features": features,
        "profile": profile,
        "campaign_items": items,
        "eligible_channels": eligibility.channels,
        "constraint_notes": eligibility.blocked,
        "write_channel": eligibility.channels[0] if eligibility.channels else None,
        "write_locale": locale,
        "bought_eligible_last_7d": bought,
    }
