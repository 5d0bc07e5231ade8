"""Offers and campaigns: what the copy may promise, to whom, when and where."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.channels import Channel, Locale

OfferKind = Literal["percent_off", "amount_off", "threshold", "gift"]


class Offer(BaseModel):
    """The one promotion a campaign makes. Copy may state nothing beyond it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: OfferKind = Field(description="percent_off (e.g. 八折), amount_off (立减), threshold (满减) or gift.")
    percent_off: float | None = Field(
        default=None, gt=0, lt=100, description="Percent off the price, e.g. 20 for 八折 / 20% off."
    )
    amount_off: float | None = Field(default=None, gt=0, description="Money off, in the campaign currency.")
    threshold: float | None = Field(
        default=None, gt=0, description="Minimum spend for a threshold offer (the 300 in 满300减50)."
    )
    gift: str | None = Field(default=None, min_length=1, max_length=40, description="The gift, for a gift offer.")
    currency: Literal["CNY", "USD"] = Field(default="CNY", description="Currency of every amount in the offer.")

    @model_validator(mode="after")
    def _fields_match_kind(self) -> Self:
        required: dict[OfferKind, tuple[str, ...]] = {
            "percent_off": ("percent_off",),
            "amount_off": ("amount_off",),
            "threshold": ("threshold", "amount_off"),
            "gift": ("gift",),
        }
        missing = [name for name in required[self.kind] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"offer kind {self.kind!r} needs {', '.join(missing)}")
        over = self.amount_off is not None and self.threshold is not None and self.amount_off >= self.threshold
        if self.kind == "threshold" and over:
            raise ValueError("threshold offer: amount_off must be below threshold (满300减50, not 满50减300)")
        return self


class BrandRules(BaseModel):
    """Per-campaign brand rules the critic enforces."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    banned_words: list[str] = Field(default_factory=list, description="Words the copy must never contain.")
    required_phrases: list[str] = Field(default_factory=list, description="Phrases every message must contain.")
    brand_name: str = Field(default="", max_length=20, description="Brand shown in SMS signatures, e.g. 【好物铺】.")
    tone: str = Field(
        default="", max_length=40, description="Brand voice the copy must keep, e.g. 亲切简洁 / warm and plain."
    )


def _default_send_costs() -> dict[Channel, float]:
    return {"sms": 0.05, "push": 0.0, "email": 0.001}


class Campaign(BaseModel):
    """A promotion a marketer runs: the offer, what it applies to, when, where and at what cost."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    campaign_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=60, description="Marketing name, e.g. 双十一保温杯专场.")
    offer: Offer
    eligible_categories: list[str] = Field(
        default_factory=list, description="Categories the offer covers; empty with no items means storewide."
    )
    eligible_item_ids: list[str] = Field(default_factory=list, description="Items the offer covers.")
    starts_at: datetime
    ends_at: datetime
    channels: list[Channel] = Field(min_length=1, description="Channels this campaign may use.")
    locale: Locale = "zh"
    max_sends: int = Field(default=1000, gt=0, description="Budget: at most this many messages.")
    cost_per_send: dict[Channel, float] = Field(
        default_factory=_default_send_costs,
        description="Cost of one message per channel, in the campaign currency.",
    )
    frequency_cap: int = Field(default=2, ge=1, description="At most this many promotions per user per 7 days.")
    brand: BrandRules = Field(default_factory=BrandRules)
    on_exhausted: Literal["fallback", "human"] = Field(
        default="fallback",
        description="When rewrites run out: the checked template fallback, or pause for a human reviewer.",
    )

    @model_validator(mode="after")
    def _window_is_ordered(self) -> Self:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("starts_at and ends_at need a time zone, e.g. 2026-11-11T00:00:00+08:00")
        if self.ends_at <= self.starts_at:
            raise ValueError(f"ends_at ({self.ends_at:%Y-%m-%d}) must be after starts_at ({self.starts_at:%Y-%m-%d})")
        return self
