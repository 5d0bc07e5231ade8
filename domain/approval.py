"""What a human reviewer is shown when rewrites run out, and what they answer."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from domain.copy import CopyVariant, Draft
from domain.review import DraftReview


class ApprovalRequest(BaseModel):
    """The interrupt payload: every failed attempt with its violations, so the reviewer sees why."""

    user_ref: str
    campaign_id: str
    channel: str
    locale: str
    drafts: list[Draft]
    reviews: list[DraftReview]
    options: list[str] = Field(default_factory=lambda: ["approve_fallback", "edit", "reject"])


class ApprovalAnswer(BaseModel):
    """The reviewer's answer. An edited copy is still checked by every rule: humans do not override the law."""

    action: Literal["approve_fallback", "edit", "reject"]
    reviewer: str = Field(min_length=1, max_length=80, description="Who decided, for the audit trail.")
    edited: CopyVariant | None = Field(default=None, description="The reviewer's copy, with action 'edit'.")
    note: str = Field(default="", max_length=300)

    @model_validator(mode="after")
    def _edit_needs_copy(self) -> Self:
        if (self.action == "edit") != (self.edited is not None):
            raise ValueError("action 'edit' needs 'edited' copy, and only 'edit' may carry it")
        return self
