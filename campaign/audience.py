"""Audience selection: who gets a message under the budget, decided before any copy is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from agents.profiling import assess
from domain.offer import Campaign
from tools.pseudonym import user_ref
from tools.services import Services


@dataclass(frozen=True)
class AudienceChoice:
    """The selected users in rank order, and how many were left out and why."""

    selected: list[str]
    unreachable: int
    below_threshold: int
    over_budget: int


def select_audience(
    services: Services,
    campaign: Campaign,
    candidates: Sequence[str],
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> AudienceChoice:
    """Rank reachable, above-threshold users by estimated lift and keep the top `max_sends`.

    Ties break by pseudonym, so the same inputs always give the same audience (a resumed run relies on it).
    """
    scored: list[tuple[float, str, str]] = []
    unreachable = below = 0
    for done, user_id in enumerate(candidates, start=1):
        found = assess(services, user_id, campaign, now)
        if not found.eligibility.reachable:
            unreachable += 1
        elif not found.worth_writing:
            below += 1
        else:
            scored.append((-found.lift, user_ref(user_id), user_id))
        if progress is not None:
            progress(done, len(candidates))
    scored.sort()
    budget = max(0, campaign.max_sends - services.shop.count_campaign_sends(campaign.campaign_id))
    return AudienceChoice(
        selected=[user_id for _, _, user_id in scored[:budget]],
        unreachable=unreachable,
        below_threshold=below,
        over_budget=max(0, len(scored) - budget),
    )
