"""Profiling agent: the user's history from Chroma, derived features, and who may be reached where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from langgraph.runtime import Runtime

from agents.context import Context
from agents.state import PromotionState
from domain.channels import Channel, Locale
from domain.offer import Campaign
from domain.people import Event, Item, User
from domain.profile import PromptProfile, UserFeatures
from tools.compliance import OfferFacts
from tools.profile.campaign_view import campaign_view
from tools.profile.features import derive_features, to_prompt_profile
from tools.profile.untrusted_fields import check_campaign
from tools.profile.untrusted_text import safe_interests
from tools.pseudonym import user_ref
from tools.services import Services
from tools.targeting import ChannelEligibility, eligible_channels
from tools.targeting.constraints import FREQUENCY_CAP_DAYS

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


@dataclass(frozen=True)
class Assessment:
    """Everything decided about a user before any LLM work: features, reachability and the send score."""

    user: User
    features: UserFeatures
    profile: PromptProfile
    items: list[Item]
    eligibility: ChannelEligibility
    lift: float
    worth_writing: bool
    bought_eligible_last_7d: bool


def assess(
    services: Services,
    user_id: str,
    campaign: Campaign,
    now: datetime,
    *,
    channel: Channel | None = None,
    locale: Locale | None = None,
) -> Assessment:
    """Load history, derive features, apply the hard constraints and score, before any LLM work.

    The graph's profiling node and a campaign's audience selection both call this, so they agree on who
    is worth writing for.
    """
    user = services.shop.get_user(user_id)
    events = services.history.events_for(user_id)
    related = services.history.search(user_id, campaign_query(campaign), k=RELATED_HISTORY_K)
    features = derive_features(events, now, related)
    eligibility = eligible_channels(
        user,
        campaign,
        sends_last_7d=services.shop.count_sends_since(user_id, now - timedelta(days=FREQUENCY_CAP_DAYS)),
        campaign_sends=services.shop.count_campaign_sends(campaign.campaign_id),
        channel_clicks=features.channel_clicks,
        requested=channel,
    )
    bought = bought_in_campaign_range(events, campaign)
    items = services.shop.items_for_campaign(campaign.eligible_categories, campaign.eligible_item_ids)
    profile = to_prompt_profile(features, user.identifying_values())
    facts = OfferFacts.from_campaign(campaign, items)
    profile = profile.model_copy(update={"interests": safe_interests(profile.interests, facts, locale or user.locale)})
    # Only what matters for this campaign reaches the copywriter: focused copy, and shared generations.
    profile = campaign_view(profile, campaign, items)
    score = services.policy.prescreen(features, campaign, bought_eligible_last_7d=bought)
    return Assessment(
        user=user,
        features=features,
        profile=profile,
        items=items,
        eligibility=eligibility,
        lift=score.lift,
        worth_writing=eligibility.reachable and score.lift >= services.policy.threshold,
        bought_eligible_last_7d=bought,
    )


def profile_user(state: PromotionState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Profile the user and apply the hard constraints before any LLM work is spent.

    A campaign whose free text reads as an instruction to the model stops here (InstructionInCampaign, a
    ValueError), whichever way it came in: the LangGraph server's input is checked nowhere else.
    """
    check_campaign(state.campaign)
    found = assess(
        runtime.context.services,
        state.user_id,
        state.campaign,
        runtime.context.now,
        channel=state.channel,
        locale=state.locale,
    )
    return {
        "user_ref": user_ref(state.user_id),
        "worth_writing": found.worth_writing,
        "features": found.features,
        "profile": found.profile,
        "campaign_items": found.items,
        "eligible_channels": found.eligibility.channels,
        "constraint_notes": found.eligibility.blocked,
        "write_channel": found.eligibility.channels[0] if found.eligibility.channels else None,
        "write_locale": state.locale or found.user.locale,
        "bought_eligible_last_7d": found.bought_eligible_last_7d,
    }
