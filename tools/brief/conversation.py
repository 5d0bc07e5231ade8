"""Which part of a conversation is the current brief: each new brief starts clean.

A marketer's conversation holds several briefs. A message that answers the assistant's question completes
the brief that was asked about; a message after a brief was read back and previewed starts a new one,
unless it refers to the last one (同上，改成邮件 / same, but for e-mail) or only confirms it (确认 / yes).
Nothing else carries over: a second brief never inherits 高价值 or 双十一 from the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from domain.channels import Locale
from domain.chat import ChatMessage
from prompts.phrases import phrase_table
from tools.brief.rules import confirms, refers_back

_READBACK = cast(dict[Locale, dict[str, str]], phrase_table("brief", "readback"))
BRIEF_MARKS = tuple(words["campaign"].split("{", 1)[0] for words in _READBACK.values())
"""How a read-back brief's first line starts (活动： / Campaign: ): the assistant's message held a whole brief."""


def read_back_a_brief(text: str) -> bool:
    """Whether an assistant message read a complete brief back (rather than asking for what was missing)."""
    return any(line.strip().startswith(BRIEF_MARKS) for line in text.splitlines())


@dataclass(frozen=True)
class BriefTurns:
    """The messages of the current brief, and how it relates to the one before."""

    messages: tuple[ChatMessage, ...]
    """From the current brief's first message (the last brief's, when this one builds on it) to the end."""
    refers_back: bool = False
    """The latest message builds on the brief read back before it."""
    confirmed: bool = False
    """The marketer confirmed a read-back of this brief (确认 / yes), so what the model read is confirmed."""

    @property
    def user_texts(self) -> list[str]:
        """The marketer's words of this brief, oldest first."""
        return [m.content for m in self.messages if m.role == "user" and m.content.strip()]


def current_brief(messages: Sequence[ChatMessage]) -> BriefTurns:
    """The current brief's part of the conversation (see the module's docstring)."""
    start, latest_refers, confirmed = 0, False, False
    after_brief = False  # the last assistant message read a whole brief back
    for index, message in enumerate(messages):
        if message.role == "assistant":
            after_brief = read_back_a_brief(message.content)
        elif message.role == "user" and message.content.strip():
            latest_refers = after_brief and refers_back(message.content)
            if after_brief and not latest_refers:
                start, confirmed = index, False
            confirmed = confirmed or (latest_refers and confirms(message.content))
            after_brief = False
    return BriefTurns(tuple(messages[start:]), refers_back=latest_refers, confirmed=confirmed)
