"""Critic / compliance agent: deterministic rules first, an LLM critique second, then route."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langgraph.runtime import Runtime
from openai import OpenAIError
from pydantic import ValidationError

from agents.context import Context
from agents.copywriter import personal_values
from agents.state import PromotionState
from agents.text.copy_prompt import CHANNEL_NAMES, brand_tone
from domain.channels import Locale
from domain.copy import Draft
from domain.offer import Campaign
from domain.review import Critique, DraftReview, RuleFamily
from prompts import render_prompt
from tools.compliance import OfferFacts, check_draft, describe_offer
from tools.compliance.categories import category_label
from tools.compose.findings import has_own_words, repair_from_findings
from tools.compose.render import until_text
from tools.llm.generation_cache import GenerationCache, structured_output

RULE_FAMILIES: tuple[RuleFamily, ...] = ("absolute_terms", "claims", "personal_data", "channel", "brand")


def review_by_rules(
    draft: Draft, campaign: Campaign, facts: OfferFacts, personal: list[str], now: datetime
) -> DraftReview:
    """Run the rule engine on one draft at the run's clock; any blocking violation blocks it."""
    violations = check_draft(draft, campaign, facts, personal_data=personal, now=now)
    failed = {v.family for v in violations if v.severity == "block"}
    return DraftReview(
        variant_id=draft.variant_id,
        attempt=draft.attempt,
        verdict="BLOCK" if failed else "PASS",
        violations=violations,
        checks_passed=[family for family in RULE_FAMILIES if family not in failed],
    )


def critique(
    model: BaseChatModel,
    draft: Draft,
    interests: list[str],
    tone: str,
    version: str,
    cache: GenerationCache | None = None,
    model_name: str = "",
) -> Critique | None:
    """Score a rule-passing draft; the critique is advisory, so a failed call yields None, not a block.

    With a cache, an identical draft for an identical profile (users sharing a generation) is scored once.
    """
    locale = draft.locale
    channel_name = CHANNEL_NAMES[locale][draft.channel]
    system = render_prompt("critic", "system", locale, version, channel_name=channel_name, tone=tone)
    user = render_prompt(
        "critic", "user", locale, version, interests=", ".join(interests) or "-", copy=draft.full_text()
    )
    messages: list[BaseMessage] = [SystemMessage(content=system), HumanMessage(content=user)]
    try:
        return structured_output(model, Critique, messages, cache, model_name)
    except (OpenAIError, OutputParserException, ValidationError):
        return None


def fact_texts(campaign: Campaign, facts: OfferFacts, locale: Locale) -> list[str]:
    """The rendered facts a repair must never cut: the offer and its end date as the renderer writes them."""
    return [describe_offer(campaign.offer, locale), until_text(facts.last_day, locale)]


def review_drafts(state: PromotionState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Review every draft of the latest attempt; keep all reviews; collect the approved drafts."""
    ctx = runtime.context
    facts = OfferFacts.from_campaign(state.campaign, state.campaign_items)
    personal = personal_values(ctx.services.shop.get_user(state.user_id))
    interests = state.profile.interests if state.profile else []
    reviews: list[DraftReview] = []
    drafts: list[Draft] = []
    repaired: list[Draft] = []
    protected = fact_texts(state.campaign, facts, state.write_locale)
    scopes = [label for c in state.campaign.eligible_categories if (label := category_label(c, state.write_locale))]
    for written in state.drafts:
        draft, review = written, review_by_rules(written, state.campaign, facts, personal, ctx.now)
        fixed = repair_from_findings(written, review.blocking, protected, scopes) if written.source == "llm" else None
        if fixed is not None:  # repair before rewrite: the original's review stays on record
            fixed_review = review_by_rules(fixed, state.campaign, facts, personal, ctx.now)
            if fixed_review.verdict == "PASS":
                reviews.append(review)
                draft, review = fixed, fixed_review
                repaired.append(fixed)
        drafts.append(draft)
        if review.verdict == "PASS" and ctx.llm_critique:
            tone = brand_tone(state.campaign, draft.locale)
            services = ctx.services
            scores = critique(
                services.critic_model,
                draft,
                interests,
                tone,
                ctx.prompt_version,
                services.generation_cache,
                services.model_name,
            )
            review = review.model_copy(update={"critique": scores})
        reviews.append(review)
    passed = {r.variant_id for r in reviews if r.verdict == "PASS"}
    approved = [d for d in drafts if d.variant_id in passed]
    if any(d not in repaired for d in approved):
        # A repair that left the body the facts alone lost the model's personal line (the product it named went
        # with the clause); a sibling that passed as written still has it.
        approved = [d for d in approved if d not in repaired or has_own_words(d.body, protected)]
    return {"reviews": reviews, "approved": approved, "all_drafts": repaired}


def route_after_review(
    state: PromotionState, runtime: Runtime[Context]
) -> Literal["target", "rewrite", "fallback", "human_review"]:
    """Approved copy goes to targeting; otherwise rewrite while attempts remain, then fallback or a human."""
    if state.approved:
        return "target"
    if state.attempts <= runtime.context.max_rewrites:
        return "rewrite"
    return "human_review" if state.campaign.on_exhausted == "human" else "fallback"
