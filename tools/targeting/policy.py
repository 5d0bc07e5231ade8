"""The targeting policy: send/no-send against a threshold, and a logged stochastic choice of variant."""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import datetime

from domain.channels import Channel
from domain.decision import TargetingDecision
from domain.offer import Campaign
from domain.people import User
from domain.profile import UserFeatures
from tools.targeting.constraints import next_send_time
from tools.targeting.scoring import DEFAULT_THRESHOLD, SendScore, score_send
from tools.targeting.variant_bandit import VariantBandit

POLICY_VERSION = "prior-v1"
NO_SEND: dict[str, str] = {
    "no_channel": "no send: no channel passes the hard constraints",
    "below_threshold": "no send: estimated lift below threshold",
    "no_variant": "no send: no variant passed the critic",
    "quiet_hours": "no send: campaign ends before the user's quiet hours do",
}
"""Why a user gets nothing, by code: the first reason of every no-send decision is one of these (logged as is;
agents/text/why_text.py says it in the marketer's words)."""


@dataclass(frozen=True)
class VariantCandidate:
    """An approved variant and its quality (critic's mean score, 1..5)."""

    variant_id: str
    quality: float
    features: dict[str, float] = field(default_factory=dict)
    """The variant's named features (tools.targeting.variant_features) for the bandit; empty without one."""


@dataclass(frozen=True)
class TargetingPolicy:
    """Scores a user, applies the threshold and picks a variant with a known propensity."""

    threshold: float = DEFAULT_THRESHOLD
    temperature: float = 0.75
    """Softmax temperature over variant quality: exploration keeps later off-policy evaluation possible."""
    base_version: str = POLICY_VERSION
    variant_bandit: VariantBandit | None = field(default_factory=VariantBandit, compare=False)
    """Thompson sampling over variant features, starting from its prior and learning from feedback; None
    chooses by a softmax over critic quality instead."""

    def __post_init__(self) -> None:
        if self.temperature <= 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature}")

    @property
    def version(self) -> str:
        """What decisions log as their policy: the scoring prior, plus the bandit's state when there is one."""
        bandit = self.variant_bandit
        return self.base_version if bandit is None else f"{self.base_version}+{bandit.version}"

    def variant_probabilities(self, candidates: list[VariantCandidate]) -> list[float]:
        """Softmax of quality / temperature, so better variants are chosen more often but never always."""
        peak = max(c.quality for c in candidates)
        weights = [math.exp((c.quality - peak) / self.temperature) for c in candidates]
        total = sum(weights)
        return [w / total for w in weights]

    def _bandit_for(self, candidates: list[VariantCandidate]) -> VariantBandit | None:
        """The bandit needs every candidate's features; candidates without any fall back to the softmax."""
        with_features = sum(bool(c.features) for c in candidates)
        if 0 < with_features < len(candidates):
            raise ValueError("either every variant candidate carries features or none does")
        return self.variant_bandit if with_features == len(candidates) else None

    def choose_variant(self, candidates: list[VariantCandidate], seed_key: str) -> tuple[VariantCandidate, float]:
        """Draw a variant; the draw is seeded by user and campaign so a rerun makes the same choice.

        With a bandit, Thompson sampling on the variants' features; without one, the quality softmax.
        """
        if not candidates:
            raise ValueError("choose_variant needs at least one approved variant")
        bandit = self._bandit_for(candidates)
        if bandit is not None:
            by_id = {c.variant_id: c for c in candidates}
            choice = bandit.choose({c.variant_id: c.features for c in candidates}, seed_key)
            return by_id[choice.chosen], choice.propensity
        probabilities = self.variant_probabilities(candidates)
        seed = int.from_bytes(hashlib.sha256(seed_key.encode()).digest()[:8], "big")
        index = random.Random(seed).choices(range(len(candidates)), weights=probabilities)[0]
        return candidates[index], probabilities[index]

    def prescreen(self, features: UserFeatures, campaign: Campaign, *, bought_eligible_last_7d: bool) -> SendScore:
        """Score before any copy is written, so users below the line cost no LLM work."""
        return score_send(features, campaign, bought_eligible_last_7d=bought_eligible_last_7d)

    def decide(
        self,
        *,
        user: User,
        user_ref: str,
        campaign: Campaign,
        features: UserFeatures,
        eligibility_channels: list[Channel],
        blocked: list[str],
        channel: Channel | None,
        candidates: list[VariantCandidate],
        bought_eligible_last_7d: bool,
        now: datetime,
    ) -> TargetingDecision:
        """The full decision: hard constraints first, then the score against the threshold, then the variant."""
        score = score_send(features, campaign, bought_eligible_last_7d=bought_eligible_last_7d)
        reasons = [f"estimated lift {score.lift * 100:.2f} pts vs threshold {self.threshold * 100:.2f} pts"]
        reasons += [f"driver: {text}" for text in score.top_reasons()]
        constraints = list(blocked)

        def no_send(why: str) -> TargetingDecision:
            return TargetingDecision(
                send=False,
                score=score.lift,
                threshold=self.threshold,
                propensity=1.0,
                policy_version=self.version,
                reasons=[why, *reasons],
                constraints=constraints,
            )

        if channel is None or channel not in eligibility_channels:
            return no_send(NO_SEND["no_channel"])
        if score.lift < self.threshold:
            return no_send(NO_SEND["below_threshold"])
        if not candidates:
            return no_send(NO_SEND["no_variant"])
        send_at = next_send_time(user, now, campaign)
        if send_at is None:
            constraints.append("quiet hours: no allowed send time before the campaign ends")
            return no_send(NO_SEND["quiet_hours"])
        if send_at > now:
            constraints.append(f"quiet hours {user.quiet_hours.start_hour}-{user.quiet_hours.end_hour}h: delayed")
        chosen, propensity = self.choose_variant(candidates, f"{user_ref}:{campaign.campaign_id}")
        bandit = self._bandit_for(candidates)
        how = f"Thompson sampling on variant features ({bandit.version})" if bandit else "quality softmax"
        reasons.append(
            f"variant {chosen.variant_id} (quality {chosen.quality:.1f}) drawn by {how} with p={propensity:.2f}"
        )
        reasons.append(f"channel {channel}: consented, ranked first by click history and cost")
        return TargetingDecision(
            send=True,
            channel=channel,
            variant_id=chosen.variant_id,
            send_at=send_at,
            score=score.lift,
            threshold=self.threshold,
            propensity=propensity,
            policy_version=self.version if bandit else self.base_version,
            choice_features=chosen.features,
            reasons=reasons,
            constraints=constraints,
        )
