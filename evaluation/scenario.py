"""The scenario schema: a user, a campaign, a channel and locale, and what the result must satisfy.

A scenario file is YAML (a list, or a mapping with ``scenarios`` and an optional ``clock``) or JSONL
(one scenario per line). Times are relative to the run's clock, so a scenario file never goes stale.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from domain.channels import Channel, Locale
from domain.offer import Campaign
from domain.people import EventKind, Item, QuietHours
from shopdata.campaigns import demo_campaigns

DEFAULT_CLOCK = datetime.fromisoformat("2026-11-05T14:00:00+08:00")
"""The run clock when neither the scenario file nor the command line sets one (inside 双十一 week, 14:00)."""
DEFAULT_WINDOW_BEFORE = timedelta(days=1)
DEFAULT_WINDOW_AFTER = timedelta(days=7)
ID_PATTERN = r"^[A-Za-z0-9_.-]+$"


class EventSpec(BaseModel):
    """One behaviour event of an inline user, placed ``days_ago`` before the run's clock."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: EventKind = Field(description="view, cart, fav, purchase, search or click.")
    days_ago: float = Field(ge=0, le=3650, description="How long before the run's clock it happened, in days.")
    item: str | None = Field(default=None, description="Item id: one of the scenario's items or the demo catalog.")
    query: str | None = Field(default=None, min_length=1, max_length=200, description="Search text (search only).")
    channel: Channel | None = Field(default=None, description="For click events: the channel clicked from.")

    @model_validator(mode="after")
    def _has_subject(self) -> Self:
        if self.kind == "search" and (not self.query or self.item):
            raise ValueError("a search event needs a query and no item")
        if self.kind != "search" and not self.item:
            raise ValueError(f"a {self.kind} event needs an item (an item id)")
        return self


class UserSpec(BaseModel):
    """Either a seeded demo-shop user (``demo: u001``), or an inline user with consent and history."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    demo: str | None = Field(default=None, pattern=r"^u\d{3}$", description="Demo shop user id (seed 7, 40 users).")
    locale: Locale = "zh"
    utc_offset_hours: int = Field(default=8, ge=-12, le=14)
    consent: dict[Channel, bool] = Field(default_factory=dict, description="Marketing consent per channel.")
    quiet_hours: QuietHours = Field(default_factory=QuietHours)
    name: str = Field(default="", max_length=60, description="Synthetic personal data, for leak checks.")
    phone: str = Field(default="", max_length=30, description="Synthetic personal data, for leak checks.")
    events: list[EventSpec] = Field(default_factory=list, description="History, any order.")

    @model_validator(mode="after")
    def _demo_or_inline(self) -> Self:
        extra = sorted(self.model_fields_set - {"demo"})
        if self.demo and extra:
            raise ValueError(f"a demo user takes no other fields (got {', '.join(extra)}); drop them or drop demo")
        return self


class Expectations(BaseModel):
    """What the result must satisfy; every field is optional and only scored when given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decision: Literal["send", "no_send"] | None = Field(default=None, description="Expected targeting decision.")
    must_mention: list[str] = Field(default_factory=list, description="Phrases the delivered text must contain.")
    must_not_mention: list[str] = Field(default_factory=list, description="Phrases it must not contain.")
    max_length: int | None = Field(default=None, gt=0, description="Most characters of the rendered body.")
    reference: str | None = Field(default=None, min_length=1, description="Human reference copy (ROUGE-L, BLEU-4).")


def inline_campaign(spec: dict[str, Any], clock: datetime) -> Campaign:
    """Validate an inline campaign; a missing window defaults to [clock − 1 day, clock + 7 days]."""
    fields = {"starts_at": clock - DEFAULT_WINDOW_BEFORE, "ends_at": clock + DEFAULT_WINDOW_AFTER, **spec}
    try:
        return Campaign.model_validate(fields)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'campaign'}: {e['msg']}" for e in error.errors())
        raise ValueError(f"invalid inline campaign: {problems}") from None


def demo_campaign_ids() -> list[str]:
    """Ids of the sample campaigns a scenario may reference by name."""
    return [c.campaign_id for c in demo_campaigns(DEFAULT_CLOCK)]


class Scenario(BaseModel):
    """One evaluation case: who, which campaign, where, and the expectations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=56, pattern=ID_PATTERN, description="Unique within the file.")
    description: str = Field(default="", max_length=300)
    tags: list[str] = Field(default_factory=list, description="Free labels, e.g. gate, adgen, injection.")
    user: UserSpec
    items: list[Item] = Field(default_factory=list, description="Catalog items added to the demo catalog.")
    campaign: str | dict[str, Any] = Field(description="A demo campaign id, or an inline campaign mapping.")
    channel: Channel | None = Field(default=None, description="Force a channel; None lets targeting choose.")
    locale: Locale | None = Field(default=None, description="Force a locale; None uses the user's.")
    attributes: list[str] = Field(default_factory=list, description="Product attributes the copy may mention.")
    expect: Expectations = Field(default_factory=Expectations)

    @field_validator("campaign")
    @classmethod
    def _campaign_resolves(cls, value: str | dict[str, Any]) -> str | dict[str, Any]:
        if isinstance(value, str):
            known = demo_campaign_ids()
            if value not in known:
                raise ValueError(f"unknown demo campaign {value!r}: use one of {', '.join(known)} or an inline mapping")
        else:
            inline_campaign(value, DEFAULT_CLOCK)
        return value

    def fingerprint(self) -> str:
        """A short hash of the scenario's content: a changed scenario is run again on resume."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]
