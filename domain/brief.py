"""A marketer's campaign brief from chat: what the LLM may fill, and the validated brief a campaign is made from."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from domain.channels import Channel, Locale
from domain.offer import BrandRules, Campaign, Offer
from domain.profile import PromptProfile

ValueTier = Literal["high", "mid", "low", "any"]
Behaviour = Literal["viewed", "bought", "any"]
BriefField = Literal[
    "offer", "products", "occasion", "value_tier", "behaviour", "recency_days", "channels", "n_variants", "locale"
]
"""The fields of a brief the marketer decides, each shown with where its value came from."""
BRIEF_FIELDS: tuple[BriefField, ...] = (
    "offer", "products", "occasion", "value_tier", "behaviour", "recency_days", "channels", "n_variants", "locale"
)  # fmt: skip
Provenance = Literal["stated", "default", "inferred", "confirmed"]
"""Where a field's value came from: stated (the marketer's words, read by code); default (nothing was said,
the visible default applies and the marketer can change it); inferred (the intake model read it and code
found it backed by the marketer's words, awaiting their confirmation); confirmed (an inferred value the
marketer then confirmed). A model reading the words do not back is never used."""
MAX_VARIANTS = 5
DEFAULT_VARIANTS = 2
DEFAULT_RECENCY_DAYS = 30
DEFAULT_CHANNEL: Channel = "push"
CAMPAIGN_DAYS = 7
CHINA_TZ = timezone(timedelta(hours=8))


def campaign_start(now: datetime, locale: Locale) -> datetime:
    """When a preview campaign starts: now, in China time for a zh campaign (dates in copy are read locally)."""
    if now.tzinfo is None:
        raise ValueError("now needs a time zone, e.g. datetime.now(UTC)")
    return now.astimezone(CHINA_TZ) if locale == "zh" else now


ShortWord = Annotated[str, StringConstraints(min_length=1, max_length=20)]


class BriefDraft(BaseModel):
    """What the intake LLM fills from the conversation. Code checks every field; empty is always allowed."""

    occasion: str | None = Field(
        default=None, max_length=16, description="Occasion named in the brief, e.g. 双十一 / Double 11; null if none."
    )
    offer_kind: Literal["threshold", "amount_off", "percent_off", "gift", "none"] = Field(
        description="threshold for 满300减50 / 300-50 off; amount_off for 立减20元; percent_off for 8折 / 20% off; "
        "gift for 买就送; none when the marketer named no offer."
    )
    threshold: float | None = Field(
        default=None, description="Minimum spend of a threshold offer: the 300 in 满300减50."
    )
    amount_off: float | None = Field(default=None, description="Money off: the 50 in 满300减50, the 20 in 立减20元.")
    percent_off: float | None = Field(default=None, description="Percent off: 20 for 8折 or 20% off.")
    gift: str | None = Field(default=None, max_length=30, description="The gift of a gift offer, as written.")
    products: list[ShortWord] = Field(
        default_factory=list, max_length=4, description="Product or category words as the marketer wrote them."
    )
    value_tier: ValueTier = Field(default="any", description="high for 高价值 / high-value users, else mid, low, any.")
    behaviour: Behaviour = Field(default="any", description="viewed (浏览过), bought (买过) or any.")
    recency_days: int | None = Field(default=None, ge=1, le=365, description="Look-back window in days: 最近7天 = 7.")
    n_variants: int | None = Field(default=None, ge=1, le=MAX_VARIANTS, description="How many messages: 三条 = 3.")


class ProductScope(BaseModel):
    """What the offer covers, resolved against the shop catalog."""

    model_config = ConfigDict(frozen=True)

    words: list[str] = Field(default_factory=list, description="The marketer's product words that matched.")
    categories: list[str] = Field(default_factory=list, description="Catalog category ids covered entirely.")
    item_ids: list[str] = Field(default_factory=list, description="Single catalog items covered.")
    storewide: bool = Field(default=False, description="The marketer said the whole store (全场 / storewide).")

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if not self.storewide and not self.categories and not self.item_ids:
            raise ValueError("a product scope needs categories, items or storewide")
        return self


class AudienceSpec(BaseModel):
    """Who the marketer wants to reach."""

    model_config = ConfigDict(frozen=True)

    value_tier: ValueTier = "any"
    behaviour: Behaviour = Field(default="any", description="What they did with the covered products.")
    recency_days: int = Field(default=DEFAULT_RECENCY_DAYS, ge=1, le=365, description="Window for the behaviour.")


class CampaignBrief(BaseModel):
    """The brief as understood: everything a preview campaign needs, with the defaults the agent chose."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, max_length=60, description="Campaign name, e.g. 双十一保温杯专场.")
    occasion: str = Field(default="", max_length=20)
    offer: Offer
    scope: ProductScope
    audience: AudienceSpec = Field(default_factory=AudienceSpec)
    channels: list[Channel] = Field(min_length=1, max_length=3)
    locale: Locale
    n_variants: int = Field(default=1, ge=1, le=MAX_VARIANTS)
    ends_on: date | None = Field(
        default=None, description="Last day the campaign must cover (the occasion's), when later than the default."
    )
    assumptions: list[str] = Field(
        default_factory=list, description="Corrections the intake made, shown to the marketer."
    )
    provenance: dict[BriefField, Provenance] = Field(
        default_factory=dict, description="Where each field's value came from; a field not listed is a default."
    )

    def source(self, name: BriefField) -> Provenance:
        """Where one field's value came from."""
        return self.provenance.get(name, "default")

    def campaign_id(self, now: datetime) -> str:
        """A stable id: the same brief on the same day names the same campaign (however its fields were read)."""
        dumped = self.model_dump_json(exclude={"assumptions", "provenance"})
        digest = hashlib.sha256(dumped.encode("utf-8")).hexdigest()[:8]
        return f"chat-{now:%Y%m%d}-{digest}"

    def to_campaign(self, *, now: datetime, brand: BrandRules, days: int = CAMPAIGN_DAYS) -> Campaign:
        """The campaign this brief describes: from `now` (aware) for `days` days, or through `ends_on`."""
        start = campaign_start(now, self.locale)
        end = start + timedelta(days=days)
        if self.ends_on is not None:
            end = max(end, datetime.combine(self.ends_on + timedelta(days=1), time(), tzinfo=start.tzinfo))
        return Campaign(
            campaign_id=self.campaign_id(start),
            name=self.name,
            offer=self.offer,
            eligible_categories=[] if self.scope.storewide else self.scope.categories,
            eligible_item_ids=[] if self.scope.storewide else self.scope.item_ids,
            starts_at=start,
            ends_at=end,
            channels=self.channels,
            locale=self.locale,
            brand=brand,
        )


class SampledUser(BaseModel):
    """One user of a preview sample, as the marketer may see them: a pseudonym and derived features."""

    model_config = ConfigDict(frozen=True)

    user_ref: str
    profile: PromptProfile


class AudienceSample(BaseModel):
    """The users a chat preview writes for, and how many were passed over and why."""

    model_config = ConfigDict(frozen=True)

    users: list[SampledUser] = Field(default_factory=list)
    total: int = Field(default=0, ge=0, description="Users in the shop.")
    scanned: int = Field(default=0, ge=0, description="Users examined before the sample was full or the scan bound.")
    no_behaviour: int = Field(default=0, ge=0, description="Did not view / buy the products in the window.")
    other_tier: int = Field(default=0, ge=0, description="Outside the requested value tier.")
    no_consent: int = Field(default=0, ge=0, description="No marketing consent on any of the campaign's channels.")
