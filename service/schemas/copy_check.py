"""POST /v1/copy/check: a marketer's edit of a variant, and every rule's verdict on it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.channels import Channel, Locale
from domain.offer import Campaign
from domain.review import Violation
from service.schemas.examples import CAMPAIGN
from tools.profile.untrusted_fields import check_campaign


class CopyCheckRequest(BaseModel):
    """The copy as the marketer edited it, with the campaign it is for (the chat's brief event carries it)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "campaign": CAMPAIGN,
                    "channel": "push",
                    "locale": "zh",
                    "title": "保温杯好价",
                    "body": "你常看的保温杯参加双十一，满300减50。",
                    "cta": "去看看",
                }
            ]
        },
    )

    campaign: Campaign
    channel: Channel
    locale: Locale = "zh"
    title: str = Field(default="", max_length=120)
    body: str = Field(min_length=1, max_length=2000)
    cta: str = Field(default="", max_length=60)

    _no_instructions = field_validator("campaign")(check_campaign)


class CopyCheckResult(BaseModel):
    """Whether the edit may be sent as it is, and what to fix if not."""

    passes: bool = Field(description="No blocking finding: every rule passed.")
    findings: list[Violation] = Field(description="Every finding, blocking or not, with the span and how to fix it.")
    checks_passed: list[str] = Field(description="Rule families that found nothing that blocks.")
    rendered: str = Field(description="The body as it would be delivered (brand, CTA, opt-out for SMS).")
