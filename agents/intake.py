"""Intake agent: a marketer's chat brief → a validated CampaignBrief and a preview Campaign, or one question.

The LLM reads the conversation into a BriefDraft, but a small model invents offers and numbers: the
deterministic reading (tools.brief.rules) runs first and wins wherever it finds something, the LLM only
fills gaps, and each of its values is kept only when the marketer's own words back it. Products come
from the shop's catalog alone. With no offer or no product the agent asks instead of guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.runtime import Runtime

from agents.chat_state import ChatOutput, ChatState
from agents.context import ChatContext
from agents.text.brief_text import ASSUMED, SEP, campaign_name, describe_brief, question_text
from agents.text.chat_events import emit
from agents.text.intake_llm import drafted_offer, intake_messages, read_with_llm
from domain.brief import (
    DEFAULT_RECENCY_DAYS,
    DEFAULT_VARIANTS,
    AudienceSpec,
    BriefDraft,
    CampaignBrief,
    ProductScope,
    campaign_start,
)
from domain.channels import Locale
from domain.chat import ChatMessage
from domain.offer import BrandRules
from tools.brief.catalog_match import CatalogIndex
from tools.brief.occasions import knows_occasion, next_occasion_end
from tools.brief.offer import offer_is_stated, stated_numbers
from tools.brief.rules import BriefHints, detect_locale, read_conversation
from tools.compliance.textutil import fold
from tools.profile.instructions import reads_as_instruction

DEFAULT_BRANDS: dict[Locale, BrandRules] = {
    "zh": BrandRules(brand_name="好物铺"),
    "en": BrandRules(brand_name="GoodGoods"),
}


@dataclass(frozen=True)
class IntakeOutcome:
    """A complete brief, or the question to ask; notes say what the LLM got wrong or could not do."""

    brief: CampaignBrief | None = None
    question: str | None = None
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def withhold_instructions(messages: Sequence[ChatMessage]) -> tuple[list[ChatMessage], list[ChatMessage]]:
    """(turns kept, turns withheld): user and assistant turns that read as an instruction to the model are withheld."""
    kept: list[ChatMessage] = []
    withheld: list[ChatMessage] = []
    for message in messages:
        instruction = message.role in ("user", "assistant") and reads_as_instruction(message.content, "brief")
        (withheld if instruction else kept).append(message)
    return kept, withheld


def withheld_note(withheld: Sequence[ChatMessage]) -> str:
    """The note that says how many turns were not read, and whose."""
    roles = ", ".join(sorted({m.role for m in withheld}))
    return f"instruction-like turns not read: {len(withheld)} ({roles})"


def product_words(catalog: CatalogIndex, user_texts: list[str], hints: BriefHints) -> list[str]:
    """Catalog words of the latest message that names any; a gift's name is not a product in scope."""
    gift = hints.offer.gift if hints.offer and hints.offer.gift else None
    for text in reversed(user_texts):
        words = catalog.product_words(text.replace(gift, " ") if gift else text)
        if words:
            return words
    return []


def understand(
    messages: Sequence[ChatMessage],
    model: BaseChatModel,
    catalog: CatalogIndex,
    *,
    now: datetime,
    version: str = "v1",
) -> IntakeOutcome:
    """Read the whole conversation into a brief as of `now` (aware), or say what to ask.

    The conversation is untrusted (the client sends every turn, its own assistant turns too): a turn that
    reads as an instruction to the model (tools/profile/instructions.py, the `brief` path) is read by
    neither the patterns nor the LLM. When it is the marketer's latest message the agent says so and asks.
    """
    said_by_user = [m.content for m in messages if m.role == "user" and m.content.strip()]
    locale: Locale = next((found for t in reversed(said_by_user) if (found := detect_locale(t))), "zh")
    kept, withheld = withhold_instructions(messages)
    latest = next((m for m in reversed(messages) if m.role == "user" and m.content.strip()), None)
    if any(m is latest for m in withheld):
        question = question_text(locale, missing=["instruction"])
        return IntakeOutcome(question=question, missing=("instruction",), notes=(withheld_note(withheld),))
    messages = kept
    user_texts = [m.content for m in messages if m.role == "user" and m.content.strip()]
    if not user_texts:
        return IntakeOutcome(question=question_text(locale, missing=["brief"]), missing=("brief",))
    hints = read_conversation(user_texts)
    said = fold("\n".join(user_texts)).casefold()
    draft, error = read_with_llm(model, intake_messages(messages, locale, version))
    notes = [error] if error else []
    if withheld:
        notes.append(withheld_note(withheld))

    offer = hints.offer
    if offer is None and hints.offer_error is None and draft is not None:
        candidate = drafted_offer(draft)
        if candidate is not None and offer_is_stated(candidate, said):
            offer = candidate
        elif candidate is not None:
            notes.append(f"model offer not in the brief, ignored: {candidate.kind}")

    words = product_words(catalog, user_texts, hints)
    if not words and draft is not None:
        words = [w for w in draft.products if fold(w).casefold().strip() in said]
    categories, item_ids, unknown = catalog.scope(words)
    storewide = hints.storewide and not categories and not item_ids

    missing = [*(["offer"] if offer is None else []), *([] if categories or item_ids or storewide else ["products"])]
    if offer is None or missing:  # never a guessed offer, never a product outside the catalog
        question = question_text(
            locale,
            missing=missing,
            offer_error=hints.offer_error,
            unknown=unknown,
            categories=catalog.category_names(locale),
        )
        return IntakeOutcome(question=question, missing=tuple(missing), notes=tuple(notes))

    assumed = ASSUMED[locale]
    assumptions = [assumed["unknown"] + SEP[locale].join(unknown)] if unknown else []
    numbers = stated_numbers(said)
    audience = audience_of(hints, draft, numbers, assumptions, locale)
    n_variants = hints.n_variants
    if n_variants is None and draft is not None and draft.n_variants is not None and draft.n_variants in numbers:
        n_variants = draft.n_variants
    if n_variants is None:
        assumptions.append(assumed["variants"])
    if hints.asked_variants is not None:
        assumptions.append(assumed["capped"].format(asked=hints.asked_variants))
    if not hints.channels:
        assumptions.append(assumed["channel"])
    occasion = hints.occasion[0 if locale == "zh" else 1] if hints.occasion else ""
    if not occasion and draft is not None and draft.occasion and fold(draft.occasion).casefold() in said:
        occasion = draft.occasion
    occasion, ends_on = occasion_window(occasion, now, locale, assumptions)
    scope = ProductScope(words=words, categories=categories, item_ids=item_ids, storewide=storewide)
    brief = CampaignBrief(
        name=campaign_name(occasion, scope, locale),
        occasion=occasion,
        offer=offer,
        scope=scope,
        audience=audience,
        channels=list(hints.channels) or ["push"],
        locale=locale,
        n_variants=n_variants or DEFAULT_VARIANTS,
        ends_on=ends_on,
        assumptions=assumptions,
    )
    return IntakeOutcome(brief=brief, notes=tuple(notes))


def occasion_window(occasion: str, now: datetime, locale: Locale, assumptions: list[str]) -> tuple[str, date | None]:
    """(occasion, last day to cover): a dated occasion ahead stretches the window; one out of reach is dropped.

    The copy rules block a festival named outside the campaign's window, so naming one the campaign cannot
    reach would only get every draft rewritten.
    """
    if not occasion or not knows_occasion(occasion):
        return occasion, None
    ends_on = next_occasion_end(occasion, campaign_start(now, locale).date())
    if ends_on is None:
        assumptions.append(ASSUMED[locale]["occasion"].format(occasion=occasion))
        return "", None
    return occasion, ends_on


def audience_of(
    hints: BriefHints, draft: BriefDraft | None, numbers: frozenset[float], assumptions: list[str], locale: Locale
) -> AudienceSpec:
    """The audience: the patterns' reading first; the LLM's only where they found nothing (and said so)."""
    tier, behaviour = hints.value_tier, hints.behaviour
    from_model = draft is not None and (
        (tier is None and draft.value_tier != "any") or (behaviour is None and draft.behaviour != "any")
    )
    if from_model:
        assumptions.append(ASSUMED[locale]["model"])
    tier = tier or (draft.value_tier if draft else "any")
    behaviour = behaviour or (draft.behaviour if draft else "any")
    recency = hints.recency_days
    if recency is None and draft is not None and draft.recency_days is not None and draft.recency_days in numbers:
        recency = draft.recency_days
    if recency is None and behaviour != "any":
        assumptions.append(ASSUMED[locale]["recency"])
    return AudienceSpec(value_tier=tier, behaviour=behaviour, recency_days=recency or DEFAULT_RECENCY_DAYS)


def understand_brief(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
    """Graph node: a brief and its preview campaign, or a question that ends the turn."""
    ctx = runtime.context
    catalog = CatalogIndex(ctx.services.shop.items_for_campaign([], []))
    outcome = understand(state.messages, ctx.services.writer_model, catalog, now=ctx.now, version=ctx.prompt_version)
    fresh = ChatOutput().model_dump()  # a new turn starts clean: nothing from the previous turn is reused
    if outcome.brief is None:
        question = outcome.question or ""
        emit("question", question, {"missing": list(outcome.missing), "notes": list(outcome.notes)})
        return {**fresh, "question": question, "audience_ids": []}
    brief = outcome.brief
    campaign = brief.to_campaign(now=ctx.now, brand=ctx.brand or DEFAULT_BRANDS[brief.locale])
    data = {"brief": brief.model_dump(mode="json"), "campaign": campaign.model_dump(mode="json")}
    emit("brief", describe_brief(brief), data | {"notes": list(outcome.notes)})
    return {**fresh, "brief": brief, "campaign": campaign, "audience_ids": []}
