"""The part of a user's profile that matters for one campaign: what the copywriter is shown.

A thermos campaign's copy has no use for the user's interest in coffee beans (naming them would even state
a claim the offer does not back), so interests and categories outside the campaign's scope are dropped and
at most MAX_RELEVANT interests kept. Besides focusing the copy, this makes users whose campaign-relevant
features are identical produce identical prompts, so a campaign run generates once for all of them (the
generation cache): LLM cost grows with the number of distinct relevant profiles, not with the audience.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.offer import Campaign
from domain.people import Item
from domain.profile import PromptProfile

MAX_RELEVANT = 2


def _in_scope(text: str, names: Sequence[str]) -> bool:
    folded = text.casefold()
    return any(folded in name or name in folded for name in names)


def campaign_view(profile: PromptProfile, campaign: Campaign, items: Sequence[Item]) -> PromptProfile:
    """`profile` restricted to the campaign's scope (a storewide campaign keeps the top category only)."""
    storewide = not campaign.eligible_categories and not campaign.eligible_item_ids
    # An item-scoped campaign covers those items only, not everything in their categories.
    names = [n.casefold() for item in items for n in (item.title_zh, item.title_en) if n]
    names += [c.casefold() for c in campaign.eligible_categories]
    if storewide:
        categories = profile.top_categories[:1]
        interests = profile.interests[:MAX_RELEVANT]
    else:
        categories = [c for c in profile.top_categories if _in_scope(c, names)][:1]
        interests = [i for i in profile.interests if _in_scope(i, names)][:MAX_RELEVANT]
    return profile.model_copy(update={"top_categories": categories, "interests": interests})
