"""OpenAI-compatible chat bodies: what `openai.chat.completions.create` sends and reads back."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.chat import ChatEvent, ChatMessage

ASSISTANT_MODEL = "promo-assistant"
"""The one model name this service answers to."""


class TextPart(BaseModel):
    """One text part of a message whose content is a list of parts."""

    type: Literal["text"]
    text: str = Field(max_length=8000)


class WireMessage(BaseModel):
    """A message as OpenAI clients send it; `developer` is read as `system`."""

    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[TextPart] = Field(description="Plain text, or a list of text parts.")

    @property
    def text(self) -> str:
        """The content as one string."""
        return self.content if isinstance(self.content, str) else "\n".join(p.text for p in self.content)

    @model_validator(mode="after")
    def _fits(self) -> Self:
        if len(self.text) > 8000:
            raise ValueError("a message holds at most 8000 characters")
        return self

    def to_chat(self) -> ChatMessage:
        """The domain message the assistant reads."""
        return ChatMessage(role="system" if self.role == "developer" else self.role, content=self.text)


class ChatCompletionRequest(BaseModel):
    """The body of POST /v1/chat/completions. Sampling options are accepted and ignored."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "model": ASSISTANT_MODEL,
                    "stream": True,
                    "messages": [
                        {"role": "user", "content": "双十一保温杯满300减50，给最近看过保温杯的老客发push，写两版。"}
                    ],
                }
            ]
        },
    )

    model: str = Field(default=ASSISTANT_MODEL, description=f"Only {ASSISTANT_MODEL!r} is served.")
    messages: list[WireMessage] = Field(min_length=1, max_length=100, description="The conversation so far.")
    stream: bool = Field(default=False, description="Answer as server-sent events, one chunk per assistant event.")


class AssistantMessage(BaseModel):
    """The assistant's whole answer in a non-streamed completion."""

    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    """The single choice of a completion."""

    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    """A non-streamed answer; `promo_events` (non-standard) carries every event machine-readably."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: dict[str, Any] | None = None
    promo_events: list[ChatEvent] = Field(description="The assistant's events, e.g. variants to show as cards.")


class ModelCard(BaseModel):
    """One entry of GET /v1/models."""

    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "promo-agents"


class ModelList(BaseModel):
    """GET /v1/models."""

    object: Literal["list"] = "list"
    data: list[ModelCard]
