"""Features derived from a user's history, and the non-identifying view the LLM may see."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.channels import Channel

RecencyBucket = Literal["active_7d", "active_30d", "lapsing_90d", "dormant", "new"]
PriceSensitivity = Literal["low", "medium", "high", "unknown"]


class CategoryScore(BaseModel):
    """Affinity to one category: a recency-weighted count of events, scaled to 0..1."""

    model_config = ConfigDict(frozen=True)

    category: str
    score: float = Field(ge=0, le=1)


class UserFeatures(BaseModel):
    """Everything profiling derives. Holds item titles but no personal data."""

    model_config = ConfigDict(frozen=True)

    event_count: int = Field(ge=0)
    recency_days: float | None = Field(description="Days since the last event; None with no history.")
    recency_bucket: RecencyBucket
    frequency_90d: int = Field(ge=0, description="Purchases in the last 90 days.")
    monetary_90d: float = Field(ge=0, description="Spend in the last 90 days.")
    top_categories: list[CategoryScore] = Field(default_factory=list)
    recently_viewed: list[str] = Field(default_factory=list, description="Item titles, newest first.")
    recently_bought: list[str] = Field(default_factory=list, description="Item titles, newest first.")
    campaign_related: list[str] = Field(
        default_factory=list, description="History snippets nearest to the campaign, from vector search."
    )
    avg_item_price: float | None = None
    price_sensitivity: PriceSensitivity = "unknown"
    funnel_stage: Literal["browsing", "considering", "buyer", "none"] = "none"
    channel_clicks: dict[Channel, int] = Field(default_factory=dict, description="Clicks per channel, all time.")


class PromptProfile(BaseModel):
    """The only view of a user the copywriter LLM sees: derived, non-identifying features."""

    model_config = ConfigDict(frozen=True)

    recency: RecencyBucket
    value_tier: Literal["high", "mid", "low", "new"]
    price_sensitivity: PriceSensitivity
    funnel_stage: Literal["browsing", "considering", "buyer", "none"]
    top_categories: list[str] = Field(default_factory=list, max_length=3)
    interests: list[str] = Field(default_factory=list, max_length=5, description="Sanitised item names.")
