"""The promotion graph's input, full state and output. Each field says what it holds."""

from __future__ import annotations

import operator
from typing import Annotated

from pydantic import BaseModel, Field

from domain.channels import Channel, Locale
from domain.copy import Draft
from domain.decision import PromotionResult, TargetingDecision
from domain.offer import Campaign
from domain.people import Item
from domain.profile import PromptProfile, UserFeatures
from domain.review import DraftReview


class PromotionInput(BaseModel):
    """What a caller passes to graph.invoke: one user, one campaign, optional channel and locale."""

    user_id: str = Field(min_length=1, description="The shop's user id (never shown to the LLM).")
    campaign: Campaign
    channel: Channel | None = Field(default=None, description="Force a channel; None lets targeting rank them.")
    locale: Locale | None = Field(default=None, description="Force a locale; None uses the user's.")


class PromotionOutput(BaseModel):
    """What graph.invoke returns to the caller."""

    result: PromotionResult | None = None


class PromotionState(PromotionInput, PromotionOutput):
    """Everything the nodes read and write during one request."""

    user_ref: str = Field(default="", description="Pseudonym used in logs, results and prompts' seeds.")
    features: UserFeatures | None = Field(default=None, description="Derived by profiling from history.")
    profile: PromptProfile | None = Field(default=None, description="The non-identifying view the LLM sees.")
    campaign_items: list[Item] = Field(default_factory=list, description="Catalog items the offer covers.")
    eligible_channels: list[Channel] = Field(default_factory=list, description="Channels past hard constraints.")
    constraint_notes: list[str] = Field(default_factory=list, description="Why channels or the user were blocked.")
    worth_writing: bool = Field(default=False, description="Reachable and scored above the send threshold.")
    write_channel: Channel | None = Field(default=None, description="Channel the copy is written for.")
    write_locale: Locale = Field(default="zh", description="Locale the copy is written in.")
    bought_eligible_last_7d: bool = Field(default=False, description="A recent purchase in the campaign's range.")
    drafts: list[Draft] = Field(default_factory=list, description="Drafts of the latest attempt.")
    all_drafts: Annotated[list[Draft], operator.add] = Field(
        default_factory=list, description="Every draft of every attempt, kept for the explanation and reviewers."
    )
    reviews: Annotated[list[DraftReview], operator.add] = Field(
        default_factory=list, description="Every review of every attempt, kept for the explanation."
    )
    approved: list[Draft] = Field(default_factory=list, description="Drafts that passed every blocking rule.")
    attempts: int = Field(default=0, description="Writing attempts made so far (first + rewrites).")
    used_fallback: bool = Field(default=False, description="The approved copy is the checked template.")
    errors: Annotated[list[str], operator.add] = Field(
        default_factory=list, description="Recoverable failures (LLM timeouts, bad output) in order."
    )
    decision: TargetingDecision | None = Field(default=None, description="The targeting agent's decision.")
