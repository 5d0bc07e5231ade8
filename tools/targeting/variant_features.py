"""What the variant bandit knows about one approved variant for one user: a small, named feature vector.

Variants are written afresh for every user, so no variant id is ever seen twice: the bandit cannot learn
per variant. It learns one shared model over these features instead (is the copy personal, does the offer
come early, is it the template), so what is learned from one user's clicks carries over to the next user's
new variants. Every value lies in [-1, 1]; the interactions let the effect of a trait depend on the user.
"""

from __future__ import annotations

from domain.channels import limits_for
from domain.copy import Draft
from domain.offer import Offer
from domain.profile import PromptProfile
from domain.review import DraftReview

FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    "critic_quality",
    "mentions_interest",
    "offer_early",
    "length_used",
    "template_fallback",
    "rewritten",
    "offer_early_x_price_sensitive",
    "mentions_interest_x_recent",
)
"""The order of the vector; a bandit state records it, so a state trained on other features is refused."""

NEUTRAL_QUALITY = 3.0


def offer_numbers(offer: Offer) -> list[str]:
    """The figures a reader would spot the offer by (300, 50, 20 %), as they are written in copy."""
    values = [offer.threshold, offer.amount_off, offer.percent_off]
    numbers = [f"{v:g}" for v in values if v is not None]
    if offer.percent_off is not None:
        # 八折 style: 20 % off is written as 8 (折).
        numbers.append(f"{(100 - offer.percent_off) / 10:g}")
    return numbers


def critic_quality(review: DraftReview | None) -> float:
    """Mean of the critic's three 1..5 scores; neutral when there was no critique (fallback, critique off)."""
    if review is None or review.critique is None:
        return NEUTRAL_QUALITY
    c = review.critique
    return (c.fluency + c.tone + c.personalization) / 3


def variant_features(
    draft: Draft, review: DraftReview | None, profile: PromptProfile, offer: Offer
) -> dict[str, float]:
    """The named feature vector of `draft` for the user described by `profile`."""
    text = f"{draft.title} {draft.body}".lower()
    interests = [term.lower() for term in [*profile.top_categories, *profile.interests] if term]
    mentions_interest = float(any(term in text for term in interests))
    positions = [text.find(n) for n in offer_numbers(offer) if n in text]
    if offer.kind == "gift" and offer.gift:
        positions += [text.find(offer.gift.lower())] if offer.gift.lower() in text else []
    offer_early = float(bool(positions) and min(positions) <= 0.4 * max(len(text), 1))
    limit = limits_for(draft.channel, draft.locale).body_max
    price_sensitive = 1.0 if profile.price_sensitivity == "high" else 0.0
    recent = 1.0 if profile.recency in ("active_7d", "active_30d") else 0.0
    values = {
        "bias": 1.0,
        "critic_quality": (critic_quality(review) - NEUTRAL_QUALITY) / 2,
        "mentions_interest": mentions_interest,
        "offer_early": offer_early,
        "length_used": min(len(draft.body) / limit, 1.0),
        "template_fallback": float(draft.source == "fallback"),
        "rewritten": float(draft.attempt > 0),
        "offer_early_x_price_sensitive": offer_early * price_sensitive,
        "mentions_interest_x_recent": mentions_interest * recent,
    }
    return {name: values[name] for name in FEATURE_NAMES}
