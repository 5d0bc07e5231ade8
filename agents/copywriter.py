"""Copywriter agent: the LLM writes N channel-ready variants from non-identifying inputs."""

from __future__ import annotations

from typing import Any

from langchain_core.exceptions import OutputParserException
from langchain_core.messages import BaseMessage
from langgraph.runtime import Runtime
from openai import OpenAIError
from pydantic import ValidationError

from agents.context import Context
from agents.state import PromotionState
from agents.text.copy_prompt import copywriter_messages, feedback_text
from domain.copy import CopyBatch, CopyVariant, Draft
from domain.people import User
from tools.compliance import find_personal_data
from tools.compliance.copy_fit import fit_variant
from tools.llm.generation_cache import structured_output


class PersonalDataInPrompt(RuntimeError):
    """Raised when a prompt about to reach the LLM holds the user's personal data: a bug, never sent."""


def personal_values(user: User) -> list[str]:
    """The user's identifying values that must never reach the LLM."""
    return [v for v in (user.user_id, user.name, user.phone, user.email, user.address) if v]


def generate(ctx: Context, messages: list[BaseMessage]) -> CopyBatch:
    """One structured generation, answered from the shared cache when the identical prompt was seen."""
    services = ctx.services
    return structured_output(services.writer_model, CopyBatch, messages, services.generation_cache, services.model_name)


def write_copy(state: PromotionState, runtime: Runtime[Context]) -> dict[str, Any]:
    """One writing attempt: first draft, or a rewrite guided by the critic's violations."""
    ctx = runtime.context
    channel, profile = state.write_channel, state.profile
    if channel is None or profile is None:
        raise ValueError("write_copy runs only after profiling found a channel")
    messages = copywriter_messages(
        campaign=state.campaign,
        items=state.campaign_items,
        profile=profile,
        channel=channel,
        locale=state.write_locale,
        n_variants=ctx.n_variants,
        feedback=feedback_text(state.reviews, state.drafts, state.write_locale, ctx.prompt_version),
        version=ctx.prompt_version,
    )
    prompt_text = "\n".join(str(m.content) for m in messages)
    leaks = find_personal_data(prompt_text, personal_values(ctx.services.shop.get_user(state.user_id)))
    if leaks:
        raise PersonalDataInPrompt(f"prompt holds personal data ({leaks[0].code}); refusing to send it to the LLM")
    attempt = state.attempts
    try:
        batch = generate(ctx, messages)
    except (OpenAIError, OutputParserException, ValidationError) as error:
        # A bad or failed generation costs one attempt; the bounded loop ends in the checked fallback.
        return {"drafts": [], "attempts": attempt + 1, "errors": [f"copywriter attempt {attempt}: {error!r}"[:300]]}
    brand = state.campaign.brand.brand_name
    drafts = []
    for index, raw in enumerate(batch.variants[: ctx.n_variants]):
        stripped = CopyVariant(title=raw.title.strip(), body=raw.body.strip(), cta=raw.cta.strip())
        variant = fit_variant(stripped, channel, state.write_locale, brand)
        drafts.append(
            Draft.from_variant(
                variant, variant_id=f"a{attempt}v{index}", channel=channel, locale=state.write_locale, attempt=attempt
            )
        )
    return {"drafts": drafts, "all_drafts": drafts, "attempts": attempt + 1}
