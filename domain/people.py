"""Users, catalog items and behaviour events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from domain.channels import Channel, Locale

UserId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S(?:.*\S)?$")]
"""A shop's user id: 1-64 characters, no line breaks, no blank at either end (a blank id names nobody)."""

EventKind = Literal["view", "cart", "fav", "purchase", "search", "click"]


class QuietHours(BaseModel):
    """Local hours in which nothing may be sent; wraps midnight when start > end."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_hour: int = Field(default=22, ge=0, le=23)
    end_hour: int = Field(default=8, ge=0, le=23)

    def contains(self, hour: int) -> bool:
        """Whether a local hour falls inside the quiet window."""
        if self.start_hour == self.end_hour:
            return False
        if self.start_hour < self.end_hour:
            return self.start_hour <= hour < self.end_hour
        return hour >= self.start_hour or hour < self.end_hour


def _no_consent() -> dict[Channel, bool]:
    return {"sms": False, "push": False, "email": False}


class User(BaseModel):
    """A shop customer. Name, phone, e-mail and address are personal data: never shown to the LLM."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_id: UserId
    name: str = Field(default="", max_length=60)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=120)
    address: str = Field(default="", max_length=200)
    locale: Locale = "zh"
    utc_offset_hours: int = Field(default=8, ge=-12, le=14, description="For quiet hours and send times.")
    consent: dict[Channel, bool] = Field(
        default_factory=_no_consent,
        description="Per-channel marketing consent; a missing channel means no consent.",
    )
    quiet_hours: QuietHours = Field(default_factory=QuietHours)

    def has_consent(self, channel: Channel) -> bool:
        """Consent is opt-in: only an explicit True counts."""
        return self.consent.get(channel, False) is True

    def identifying_values(self) -> list[str]:
        """The id, name, phone, e-mail and address that are set: what must never reach the LLM."""
        return [v for v in (self.user_id, self.name, self.phone, self.email, self.address) if v]


class Item(BaseModel):
    """A catalog item with names in both locales."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item_id: str = Field(min_length=1, max_length=64)
    title_zh: str = Field(min_length=1, max_length=80)
    title_en: str = Field(min_length=1, max_length=120)
    category: str = Field(min_length=1, max_length=40)
    price: float = Field(gt=0)

    def title(self, locale: Locale) -> str:
        """The item's name in one locale."""
        return self.title_zh if locale == "zh" else self.title_en


class Event(BaseModel):
    """One behaviour event: what a user did, with which item or query, when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: str = Field(min_length=1, max_length=96)
    user_id: UserId
    kind: EventKind
    ts: datetime
    item_id: str | None = None
    item_title: str | None = Field(default=None, max_length=200, description="Seller-written: untrusted text.")
    category: str | None = None
    price: float | None = Field(default=None, ge=0)
    query: str | None = Field(default=None, max_length=200, description="Search text: untrusted text.")
    channel: Channel | None = Field(default=None, description="For click events: the channel clicked from.")

    @model_validator(mode="after")
    def _has_subject(self) -> Self:
        if self.kind == "search" and not self.query:
            raise ValueError("a search event needs a query")
        if self.kind != "search" and not self.item_id:
            raise ValueError(f"a {self.kind} event needs an item_id")
        if self.ts.tzinfo is None:
            raise ValueError("event ts needs a time zone")
        return self
