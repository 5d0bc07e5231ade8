"""The production chat assistant: the chat graph (graphs/chat.py) bound to this process's services."""

from __future__ import annotations

from collections.abc import AsyncIterator

from agents.context import ChatContext
from domain.chat import ChatEvent, ChatMessage
from domain.clock import Clock
from graphs.chat import stream_chat
from service.runtime import ChatAssistant
from tools.services import Services
from tools.settings import Settings

MAX_CHAT_CONCURRENCY = 16
"""ChatContext's bound on users written for at once."""


def production_assistant(settings: Settings, services: Services, clock: Clock) -> ChatAssistant:
    """The assistant /v1/chat/completions answers with: one chat-graph turn per request, at `clock()`."""
    # Admitted jobs share the LLM's slots: a turn writes for as many users at once as its share allows, so
    # max_jobs turns together keep the slots busy without queueing far more calls than they can serve.
    concurrency = min(max(1, settings.embedded_parallel // settings.service_max_jobs), MAX_CHAT_CONCURRENCY)

    def assistant(messages: list[ChatMessage]) -> AsyncIterator[ChatEvent]:
        # A fresh context per turn: its clock is the turn's "now" (campaign start, audience window).
        return stream_chat(
            messages,
            ChatContext(
                services=services,
                concurrency=concurrency,
                now=clock(),
                copy_mode=settings.copy_mode,
                llm_critique=settings.llm_critique,
            ),
        )

    return assistant
