"""The marketer chat's contract: messages in, a stream of typed events out.

The chat graph (graphs/chat.py) emits ChatEvents while it works; the HTTP service turns them into
OpenAI-style SSE chunks and the chat page renders them. Keeping the contract here lets each side be
tested alone.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

ChatRole = Literal["system", "user", "assistant"]

ChatEventKind = Literal["status", "question", "brief", "audience", "draft", "variant", "answer", "error"]
"""status: progress line; question: the brief lacks something essential (the turn ends, waiting for the
marketer); brief: the structured brief as understood; audience: who was sampled and why; draft: a user's
copy as the model writes it, before repair and review (no text: it is for the page, not the answer);
variant: one critic-approved message with who gets it; answer: the closing summary; error: the turn failed."""


class ChatMessage(BaseModel):
    """One turn of the conversation, as OpenAI chat clients send it."""

    role: ChatRole
    content: str = Field(max_length=8000)


class ChatEvent(BaseModel):
    """One streamed piece of the assistant's answer."""

    kind: ChatEventKind
    text: str = Field(description="What to show the marketer, one or more lines, ready to append.")
    data: dict[str, Any] | None = Field(default=None, description="Machine-readable payload (brief, variant...).")


ChatErrorType = Literal["llm_unavailable"]


class ChatTurnError(Exception):
    """A turn that failed in a way the marketer should read.

    `message` is in the brief's language and names no internal address; `type` is for clients (the stream's
    error event carries both, as OpenAI's error fields).
    """

    def __init__(self, type: ChatErrorType, message: str) -> None:
        super().__init__(message)
        self.type: ChatErrorType = type
        self.message = message
