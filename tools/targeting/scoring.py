"""Send scoring: estimated conversion lift from sending, as a sum of readable feature contributions.

This is a hand-set prior model (weights below, in probability points) so that every decision can be
explained term by term; a learned uplift model replaces it without changing the interface.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.offer import Campaign, Offer
from domain.profile import UserFeatures

# Lift, in probability points, that each feature adds at full strength. Why these sizes: the Hillstrom
# randomized e-mail test shows ~5-8 points of visit lift on average, concentrated in recent, engaged buyers.
WEIGHTS: dict[str, float] = {
    "base": 0.002,
    "category_affinity": 0.025,
    "recency": 0.010,
    "frequency": 0.008,
    "discount_fit": 0.010,
    "channel_habit": 0.005,
    "just_bought": -0.010,
}
RECENCY_STRENGTH: dict[str, float] = {
    "active_7d": 1.0,
    "active_30d": 0.6,
    "lapsing_90d": 0.3,
    "new": 0.2,
    "dormant": 0.05,
}
DEFAULT_THRESHOLD = 0.012


@dataclass(frozen=True)
class SendScore:
    """Estimated lift and the contribution of each feature to it."""

    lift: float
    contributions: dict[str, float]

    def top_reasons(self, n: int = 3) -> list[str]:
        """The n largest contributions as readable text, largest first."""
        ranked = sorted(self.contributions.items(), key=lambda kv: abs(kv[1]), reverse=True)
        return [f"{name} {value * 100:+.2f} pts" for name, value in ranked[:n] if value != 0]


def discount_depth(offer: Offer, avg_price: float | None) -> float:
    """Offer value as a share of a typical basket (0..1)."""
    if offer.kind == "percent_off" and offer.percent_off is not None:
        return offer.percent_off / 100
    if offer.kind == "threshold" and offer.threshold and offer.amount_off:
        return offer.amount_off / offer.threshold
    if offer.kind == "amount_off" and offer.amount_off:
        return min(1.0, offer.amount_off / avg_price) if avg_price else 0.1
    return 0.05  # a gift: small, fixed perceived value


def campaign_affinity(features: UserFeatures, campaign: Campaign) -> float:
    """The user's affinity to the campaign's categories (storewide: their strongest category)."""
    scores = {c.category: c.score for c in features.top_categories}
    if not campaign.eligible_categories:
        return max(scores.values(), default=0.0)
    return max((scores.get(cat, 0.0) for cat in campaign.eligible_categories), default=0.0)


def score_send(features: UserFeatures, campaign: Campaign, *, bought_eligible_last_7d: bool) -> SendScore:
    """Score one user for one campaign: lift = sum of weighted features."""
    depth = discount_depth(campaign.offer, features.avg_item_price)
    sensitivity = {"high": 1.0, "medium": 0.6, "low": 0.2, "unknown": 0.4}[features.price_sensitivity]
    strengths = {
        "base": 1.0,
        "category_affinity": campaign_affinity(features, campaign),
        "recency": RECENCY_STRENGTH[features.recency_bucket],
        "frequency": min(features.frequency_90d, 5) / 5,
        "discount_fit": min(1.0, depth / 0.3) * sensitivity,
        "channel_habit": 1.0 if any(features.channel_clicks.values()) else 0.0,
        "just_bought": 1.0 if bought_eligible_last_7d else 0.0,
    }
    contributions = {name: WEIGHTS[name] * strength for name, strength in strengths.items()}
    return SendScore(lift=sum(contributions.values()), contributions=contributions)
