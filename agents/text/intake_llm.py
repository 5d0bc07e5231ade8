"""The intake agent's LLM reading: the conversation fenced as data, a bounded BriefDraft back, or nothing.

Its result is never trusted as is: agents/intake.py keeps a value only where the marketer's words back it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from openai import OpenAIError
from pydantic import ValidationError

from domain.brief import BriefDraft
from domain.channels import Locale
from domain.chat import ChatMessage
from domain.offer import Offer
from prompts import render_prompt
from prompts.phrases import phrase_table

MAX_TURNS = 8
MAX_TURN_CHARS = 1000
ROLE_NAMES = cast(dict[Locale, dict[str, str]], phrase_table("brief", "role_names"))


def intake_messages(messages: Sequence[ChatMessage], locale: Locale, version: str) -> list[BaseMessage]:
    """System prompt plus the recent conversation, fenced as data."""
    names = ROLE_NAMES[locale]
    turns = [m for m in messages if m.role in names][-MAX_TURNS:]
    conversation = "\n".join(f"{names[m.role]}: {m.content.strip()[:MAX_TURN_CHARS]}" for m in turns)
    system = render_prompt("intake", "system", locale, version)
    user = render_prompt("intake", "user", locale, version, conversation=conversation)
    return [SystemMessage(content=system), HumanMessage(content=user)]


def read_with_llm(model: BaseChatModel, messages: list[BaseMessage]) -> tuple[BriefDraft | None, str | None]:
    """The LLM's reading, or None and why; a failed reading is not fatal, the patterns still stand."""
    reader = model.with_structured_output(BriefDraft, method="json_schema", temperature=0.1)
    try:
        return cast(BriefDraft, reader.invoke(messages)), None
    except (OpenAIError, OutputParserException, ValidationError) as error:
        return None, f"intake model failed: {type(error).__name__}"


def drafted_offer(draft: BriefDraft) -> Offer | None:
    """The offer the LLM read, if it is a valid one at all."""
    if draft.offer_kind == "none":
        return None
    fields: dict[str, object] = {"kind": draft.offer_kind, "threshold": draft.threshold, "gift": draft.gift}
    fields |= {"amount_off": draft.amount_off, "percent_off": draft.percent_off}
    try:
        return Offer.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError:
        return None
