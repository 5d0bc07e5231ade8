"""Audience sampling for a chat preview: a few users the brief describes, consent respected, no LLM work.

Candidates are taken in pseudonym order (stable, and not biased to the oldest accounts); each is kept
when their history shows the brief's behaviour on the covered products inside the window, their value
tier (the same derivation the copywriter's profile uses) matches, and they consented to at least one of
the campaign's channels. Frequency caps, quiet hours and the send threshold are left to the promotion
graph, so the preview can say why such a user would get nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from langgraph.runtime import Runtime

from agents.chat_state import ChatState
from agents.context import ChatContext
from agents.text.chat_events import emit, sample_text
from domain.brief import AudienceSample, CampaignBrief, SampledUser
from domain.offer import Campaign
from domain.people import Event
from tools.profile.features import derive_features, to_prompt_profile
from tools.pseudonym import user_ref
from tools.services import Services

BEHAVIOUR_KINDS = {"viewed": frozenset({"view", "click", "cart", "fav"}), "bought": frozenset({"purchase"})}


def shows_behaviour(events: list[Event], brief: CampaignBrief, now: datetime) -> bool:
    """Whether the user did what the brief asks with the covered products inside its window."""
    spec = brief.audience
    if spec.behaviour == "any":
        return True
    kinds, since = BEHAVIOUR_KINDS[spec.behaviour], now - timedelta(days=spec.recency_days)
    scope = brief.scope
    return any(
        e.kind in kinds
        and since <= e.ts <= now
        and (scope.storewide or e.category in scope.categories or e.item_id in scope.item_ids)
        for e in events
    )


def sample_audience(
    services: Services, brief: CampaignBrief, campaign: Campaign, now: datetime, *, size: int, max_scan: int
) -> tuple[list[str], AudienceSample]:
    """(the sampled users' ids, the pseudonymous summary of the sample)."""
    ids = services.shop.list_user_ids()
    candidates = sorted(ids, key=user_ref)[:max_scan]
    chosen: list[str] = []
    users: list[SampledUser] = []
    counts = {"no_behaviour": 0, "other_tier": 0, "no_consent": 0}
    scanned = 0
    for user_id in candidates:
        if len(chosen) >= size:
            break
        scanned += 1
        events = services.history.events_for(user_id)
        if not shows_behaviour(events, brief, now):
            counts["no_behaviour"] += 1
            continue
        user = services.shop.get_user(user_id)
        profile = to_prompt_profile(derive_features(events, now), user.identifying_values())
        if brief.audience.value_tier not in ("any", profile.value_tier):
            counts["other_tier"] += 1
            continue
        if not any(user.has_consent(channel) for channel in campaign.channels):
            counts["no_consent"] += 1
            continue
        chosen.append(user_id)
        users.append(SampledUser(user_ref=user_ref(user_id), profile=profile))
    return chosen, AudienceSample(users=users, total=len(ids), scanned=scanned, **counts)


def show_audience_sample(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
    """Graph node: sample the audience and report it (pseudonyms and features only)."""
    ctx = runtime.context
    if state.brief is None or state.campaign is None:
        raise ValueError("the audience node runs only after the intake produced a brief")
    ids, sample = sample_audience(
        ctx.services, state.brief, state.campaign, ctx.now, size=ctx.sample_size, max_scan=ctx.max_scan
    )
    emit("audience", sample_text(sample, state.brief.locale), sample.model_dump(mode="json"))
    return {"audience_ids": ids, "audience": sample}
