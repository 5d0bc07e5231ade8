"""Bodies of /v1/promotions and /v1/approvals."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.approval import ApprovalRequest
from domain.channels import Channel, Locale
from domain.offer import Campaign
from domain.people import UserId
from service.schemas.examples import CAMPAIGN
from tools.profile.untrusted_fields import check_campaign


class PromotionRequest(BaseModel):
    """One user and one campaign: write, review and target one message."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"user_id": "u001", "campaign": CAMPAIGN, "channel": "push", "variants": 2}]},
    )

    user_id: UserId = Field(description="The shop's user id (never shown to the LLM).")
    campaign: Campaign
    channel: Channel | None = Field(default=None, description="Force a channel; unset lets targeting rank them.")
    locale: Locale | None = Field(default=None, description="Force a locale; unset uses the user's.")
    variants: int = Field(default=2, ge=1, le=5, description="Copy variants written per attempt.")

    _no_instructions = field_validator("campaign")(check_campaign)
    """A campaign field that reads as an instruction to the model is a 422 naming the field."""


class ApprovalPending(BaseModel):
    """202: rewrites ran out and the campaign asks a human; answer at POST /v1/approvals/{thread_id}."""

    status: Literal["awaiting_approval"] = "awaiting_approval"
    thread_id: str = Field(description="Names the paused run; it survives restarts.")
    request: ApprovalRequest = Field(description="Every failed draft with its violations.")
