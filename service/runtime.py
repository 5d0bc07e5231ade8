"""What the service runs on: settings, the shared clients and stores, the LLM endpoint and the chat assistant.

Built once per process (tests build their own from fakes); whoever opens a runtime closes it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from campaign.feedback import FeedbackLog
from campaign.store import RunStore
from domain.chat import ChatEvent, ChatMessage
from service.audit import AuditLog
from service.keys import KeyStore
from service.llm_health import LLMHealth
from tools.llm.chat_model import LLMEndpoint
from tools.services import Services
from tools.settings import Settings

if TYPE_CHECKING:
    from graphs.checkpoints import Checkpointer

ChatAssistant = Callable[[list[ChatMessage]], AsyncIterator[ChatEvent]]
"""The marketer's chat: the conversation so far in, the assistant's answer out as a stream of events."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(kw_only=True)
class ServiceRuntime:
    """Everything the routes use; one per process."""

    settings: Settings
    services: Services
    """Stores and models shared by every request."""
    endpoint: LLMEndpoint
    """The OpenAI-compatible endpoint the models talk to."""
    assistant: ChatAssistant
    """Answers /v1/chat/completions."""
    checkpointer: Checkpointer
    """Graph checkpoints: paused approvals and campaign runs resume from here."""
    runs: RunStore
    feedback: FeedbackLog
    keys: KeyStore
    audit: AuditLog
    llm_health: LLMHealth
    clock: Callable[[], datetime] = field(default=_utc_now)
    """The clock promotions are computed against (tests fix it)."""

    def close(self) -> None:
        """Close every store this runtime holds (the services' own stores too)."""
        self.services.close()
        self.checkpointer.conn.close()
        for store in (self.runs, self.feedback, self.keys, self.audit):
            store.close()
