"""The targeting decision and the final result of one request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.channels import Channel
from domain.copy import Draft
from domain.profile import PromptProfile
from domain.review import DraftReview


class TargetingDecision(BaseModel):
    """Whether to send, which variant on which channel and when, and why."""

    model_config = ConfigDict(frozen=True)

    send: bool
    channel: Channel | None = None
    variant_id: str | None = None
    send_at: datetime | None = None
    score: float = Field(description="Estimated conversion lift from sending, in probability points.")
    threshold: float = Field(description="Minimum score that earns a send.")
    propensity: float = Field(ge=0, le=1, description="Probability the policy gave to the chosen variant.")
    policy_version: str
    choice_features: dict[str, float] = Field(
        default_factory=dict, description="Features of the chosen variant, logged so the bandit can learn from it."
    )
    reasons: list[str] = Field(default_factory=list, description="Feature contributions and constraints, readable.")
    constraints: list[str] = Field(default_factory=list, description="Hard constraints that applied.")


class Explanation(BaseModel):
    """Why this message, for this user, through this channel."""

    features_used: PromptProfile
    critic_checks: list[str]
    attempts: int
    used_fallback: bool
    targeting_reasons: list[str]


class PromotionResult(BaseModel):
    """What one request returns: the message to send (if any), the decision and the why."""

    user_ref: str = Field(description="Pseudonymous reference of the user, never the raw ID.")
    campaign_id: str
    message: Draft | None
    rendered: str | None = Field(description="The text as delivered, None when nothing is sent.")
    decision: TargetingDecision
    explanation: Explanation
    reviews: list[DraftReview] = Field(default_factory=list)
    drafts: list[Draft] = Field(default_factory=list, description="Every draft of every attempt, in order.")


@dataclass(frozen=True)
class UserOutcome:
    """One user's result, or the error that stopped their request (the others go on)."""

    user_id: str
    result: PromotionResult | None
    error: str | None = None
    seconds: float = 0.0
    """Wall time of this user's request, from start to result or error."""
