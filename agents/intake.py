"""Intake agent: a marketer's chat brief → a validated CampaignBrief and a preview Campaign, or one question.

The brief is the marketer's. Only the current brief of the conversation is read (tools.brief.conversation:
a new brief starts clean unless it refers to the last one). The LLM reads it into a BriefDraft, but a small
model invents offers, tiers and numbers: the deterministic reading (tools.brief.rules) runs first and wins
wherever it finds something, and an LLM value is kept only when the marketer's own words back it (an
offer's numbers, a product or occasion word, a span of time); a value tier, a behaviour, a count, the
channels and the language are only ever the marketer's words. A field nobody stated gets a visible default,
and every field records where its value came from (CampaignBrief.provenance). Products come from the shop's
catalog alone. With no offer or no product the agent asks instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.runtime import Runtime

from agents.chat_state import ChatOutput, ChatState
from agents.context import ChatContext
from agents.text.brief_text import ASSUMED, SEP, brief_fields, campaign_name, describe_brief, question_text
from agents.text.chat_events import emit
from agents.text.intake_llm import drafted_offer, intake_messages, read_with_llm
from domain.brief import (
    DEFAULT_CHANNEL,
    DEFAULT_RECENCY_DAYS,
    DEFAULT_VARIANTS,
    AudienceSpec,
    BriefDraft,
    BriefField,
    CampaignBrief,
    ProductScope,
    Provenance,
    campaign_start,
)
from domain.channels import Locale
from domain.chat import ChatMessage
from domain.offer import BrandRules, Offer
from tools.brief.catalog_match import CatalogIndex
from tools.brief.conversation import current_brief
from tools.brief.occasions import knows_occasion, next_occasion_end
from tools.brief.offer import offer_is_stated
from tools.brief.rules import BriefHints, conversation_locale, durations, read_conversation
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
    locale: Locale = "zh"
    """The brief's language: a question is asked in it too."""


class Reading:
    """Where each field of the brief came from, and every model value dropped because the words do not back it.

    Notes are for logs and the event's data, never shown as facts of the brief.
    """

    def __init__(self, draft: BriefDraft | None, said: str, *, confirmed: bool) -> None:
        self.draft, self.said = draft, said
        self.inferred: Provenance = "confirmed" if confirmed else "inferred"
        self.provenance: dict[BriefField, Provenance] = {}
        self.notes: list[str] = []

    def stated(self, name: BriefField) -> None:
        """The marketer's words say this field (read by the patterns)."""
        self.provenance[name] = "stated"

    def from_model(self, name: BriefField) -> None:
        """The model read this field and the marketer's words back it."""
        self.provenance[name] = self.inferred

    def dropped(self, name: BriefField, value: object) -> None:
        """The model read a value the marketer's words do not back: the field keeps what the words say."""
        self.notes.append(f"model {name} not in the brief, ignored: {value}")


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


_UNKNOWN_OCCASION = re.compile(
    r"[\u4e00-\u9fff]{1,4}(?:节|季|庆|日(?!用|常|期))|\b(?:\w+\s+)?(?:day|sale|week|festival|season|holidays?)\b",
    re.IGNORECASE,
)
"""Words that may name an occasion the patterns do not know (年货节, a spring sale): the model is asked then."""


def patterns_suffice(hints: BriefHints, products: list[str], said: str) -> bool:
    """Whether the model's reading could only repeat the patterns', so the brief is echoed without a call.

    The model's reading counts only where the marketer's own words back it and the patterns found nothing: an
    offer, catalog products, an occasion word, a span of time (offer_of, products_of, occasion_of,
    audience_of). With the offer and the products found, and no unread occasion word or span of time left,
    there is nothing it could add (the chat page waited about 4 s for it on the 1.5B; issue #17 asks for the
    echo within 2 s).
    """
    if hints.offer is None or not (products or hints.storewide):
        return False
    occasion_open = hints.occasion is None and _UNKNOWN_OCCASION.search(said) is not None
    recency_open = hints.recency_days is None and bool(durations(said))
    return not occasion_open and not recency_open


def understand(
    messages: Sequence[ChatMessage],
    model: BaseChatModel,
    catalog: CatalogIndex,
    *,
    now: datetime,
    version: str = "v1",
) -> IntakeOutcome:
    """Read the conversation's current brief into a CampaignBrief as of `now` (aware), or say what to ask.

    The conversation is untrusted (the client sends every turn, its own assistant turns too): a turn that
    reads as an instruction to the model (tools/profile/instructions.py, the `brief` path) is read by
    neither the patterns nor the LLM. When it is the marketer's latest message the agent says so and asks.
    """
    kept, withheld = withhold_instructions(messages)
    latest = next((m for m in reversed(messages) if m.role == "user" and m.content.strip()), None)
    if any(m is latest for m in withheld):
        locale = conversation_locale([m.content for m in messages if m.role == "user" and m.content.strip()])
        question = question_text(locale, missing=["instruction"])
        notes = (withheld_note(withheld),)
        return IntakeOutcome(question=question, missing=("instruction",), notes=notes, locale=locale)
    turns = current_brief(kept)
    user_texts = turns.user_texts
    locale = conversation_locale(user_texts)
    if not user_texts:
        return IntakeOutcome(question=question_text(locale, missing=["brief"]), missing=("brief",), locale=locale)
    hints = read_conversation(user_texts)
    said = fold("\n".join(user_texts)).casefold()
    if patterns_suffice(hints, product_words(catalog, user_texts, hints), said):
        draft, error = None, None  # the model could add nothing the patterns did not find: echo at once
    else:
        draft, error = read_with_llm(model, intake_messages(turns.messages, locale, version))
    read = Reading(draft, said, confirmed=turns.confirmed)
    if error:
        read.notes.append(error)
    if withheld:
        read.notes.append(withheld_note(withheld))

    offer = offer_of(hints, read)
    words = products_of(catalog, user_texts, hints, read)
    categories, item_ids, unknown = catalog.scope(words)
    storewide = hints.storewide and not categories and not item_ids
    if storewide:
        read.stated("products")

    missing = [*(["offer"] if offer is None else []), *([] if categories or item_ids or storewide else ["products"])]
    if offer is None or missing:  # never a guessed offer, never a product outside the catalog
        question = question_text(
            locale,
            missing=missing,
            offer_error=hints.offer_error,
            unknown=unknown,
            categories=catalog.category_names(locale),
        )
        return IntakeOutcome(question=question, missing=tuple(missing), notes=tuple(read.notes), locale=locale)

    assumed = ASSUMED[locale]
    assumptions = [assumed["unknown"] + SEP[locale].join(unknown)] if unknown else []
    if hints.asked_variants is not None:
        assumptions.append(assumed["capped"].format(asked=hints.asked_variants))
    audience = audience_of(hints, read)
    occasion, ends_on = occasion_window(occasion_of(hints, read, locale), now, locale, assumptions)
    if not occasion:
        read.provenance.pop("occasion", None)
    if hints.n_variants is not None:
        read.stated("n_variants")
    elif draft is not None and draft.n_variants is not None:
        read.dropped("n_variants", draft.n_variants)  # a count is the marketer's words (三条 / 3 messages) or none
    if hints.channels:
        read.stated("channels")
    if hints.language is not None:
        read.stated("locale")
    scope = ProductScope(words=words, categories=categories, item_ids=item_ids, storewide=storewide)
    brief = CampaignBrief(
        name=campaign_name(occasion, scope, locale),
        occasion=occasion,
        offer=offer,
        scope=scope,
        audience=audience,
        channels=list(hints.channels) or [DEFAULT_CHANNEL],
        locale=locale,
        n_variants=hints.n_variants or DEFAULT_VARIANTS,
        ends_on=ends_on,
        assumptions=assumptions,
        provenance=read.provenance,
    )
    return IntakeOutcome(brief=brief, notes=tuple(read.notes), locale=locale)


def offer_of(hints: BriefHints, read: Reading) -> Offer | None:
    """The patterns' offer; else the model's when every number and gift of it is in the marketer's words."""
    if hints.offer is not None:
        read.stated("offer")
        return hints.offer
    if hints.offer_error is not None or read.draft is None:
        return None
    candidate = drafted_offer(read.draft)
    if candidate is None:
        return None
    if not offer_is_stated(candidate, read.said):
        read.dropped("offer", candidate.kind)
        return None
    read.from_model("offer")
    return candidate


def products_of(catalog: CatalogIndex, user_texts: list[str], hints: BriefHints, read: Reading) -> list[str]:
    """The catalog's words in the brief; else the model's product words that the marketer wrote."""
    words = product_words(catalog, user_texts, hints)
    if words:
        read.stated("products")
        return words
    drafted = read.draft.products if read.draft is not None else []
    kept = [w for w in drafted if fold(w).casefold().strip() in read.said]
    if kept:
        read.from_model("products")
    if len(kept) < len(drafted):
        read.dropped("products", [w for w in drafted if w not in kept])
    return kept


def occasion_of(hints: BriefHints, read: Reading, locale: Locale) -> str:
    """The occasion the patterns know; else the model's when the marketer wrote those very words."""
    if hints.occasion:
        read.stated("occasion")
        return hints.occasion[0 if locale == "zh" else 1]
    named = read.draft.occasion if read.draft is not None else None
    if not named:
        return ""
    if fold(named).casefold().strip() not in read.said:
        read.dropped("occasion", named)
        return ""
    read.from_model("occasion")
    return named


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


def audience_of(hints: BriefHints, read: Reading) -> AudienceSpec:
    """Who the brief is for, from the marketer's words only.

    The value tier and behaviour the marketer stated (不限 / any included), else the default "any", never the
    model's guess; the window the marketer named, or a span of time they wrote that the model read, else the
    default.
    """
    draft = read.draft
    tier, behaviour, recency = hints.value_tier, hints.behaviour, hints.recency_days
    said: list[tuple[BriefField, object]] = [("value_tier", tier), ("behaviour", behaviour), ("recency_days", recency)]
    for name, value in said:
        if value is not None:
            read.stated(name)
    if draft is not None and draft.value_tier not in ("any", tier):
        read.dropped("value_tier", draft.value_tier)
    if draft is not None and draft.behaviour not in ("any", behaviour):
        read.dropped("behaviour", draft.behaviour)
    if recency is None and draft is not None and draft.recency_days is not None:
        if draft.recency_days in durations(read.said):
            recency = draft.recency_days
            read.from_model("recency_days")
        else:
            read.dropped("recency_days", draft.recency_days)
    return AudienceSpec(
        value_tier=tier or "any", behaviour=behaviour or "any", recency_days=recency or DEFAULT_RECENCY_DAYS
    )


def understand_brief(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
    """Graph node: a brief and its preview campaign, or a question that ends the turn."""
    ctx = runtime.context
    catalog = CatalogIndex(ctx.services.shop.items_for_campaign([], []))
    outcome = understand(state.messages, ctx.services.writer_model, catalog, now=ctx.now, version=ctx.prompt_version)
    fresh = ChatOutput().model_dump()  # a new turn starts clean: nothing from the previous turn is reused
    if outcome.brief is None:
        question = outcome.question or ""
        asked = {"missing": list(outcome.missing), "notes": list(outcome.notes), "locale": outcome.locale}
        emit("question", question, asked)
        return {**fresh, "question": question, "audience_ids": []}
    brief = outcome.brief
    campaign = brief.to_campaign(now=ctx.now, brand=ctx.brand or DEFAULT_BRANDS[brief.locale])
    data = {
        "brief": brief.model_dump(mode="json"),
        "campaign": campaign.model_dump(mode="json"),
        "fields": brief_fields(brief),
        "locale": brief.locale,
        "notes": list(outcome.notes),
    }
    emit("brief", describe_brief(brief), data)
    return {**fresh, "brief": brief, "campaign": campaign, "audience_ids": []}
