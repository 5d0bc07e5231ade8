"""The chat graph's input, full state and output. Each field says what it holds."""

from __future__ import annotations

from pydantic import BaseModel, Field

from domain.brief import AudienceSample, CampaignBrief
from domain.chat import ChatMessage
from domain.decision import PromotionResult
from domain.offer import Campaign


class ChatInput(BaseModel):
    """One turn: the whole conversation so far, oldest first, so a follow-up can complete a brief."""

    messages: list[ChatMessage] = Field(min_length=1, description="The conversation; the last is the marketer's.")


class ChatOutput(BaseModel):
    """What a turn produced. Every field is reset by the intake at the start of a turn."""

    question: str | None = Field(default=None, description="Asked back when the brief lacks something essential.")
    brief: CampaignBrief | None = Field(default=None, description="The brief as understood.")
    campaign: Campaign | None = Field(default=None, description="The preview campaign made from the brief.")
    audience: AudienceSample | None = Field(default=None, description="Who was sampled (pseudonyms) and who not.")
    results: list[PromotionResult] = Field(default_factory=list, description="One per sampled user, by pseudonym.")
    failures: list[str] = Field(default_factory=list, description="Users whose run failed: pseudonym and error.")
    answer: str = Field(default="", description="The closing summary shown to the marketer.")


class ChatState(ChatInput, ChatOutput):
    """Everything the chat graph's nodes read and write during one turn."""

    audience_ids: list[str] = Field(
        default_factory=list, description="The sampled users' shop ids: internal, never in the output or events."
    )
