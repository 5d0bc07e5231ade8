"""Per-scenario metrics: the final copy re-checked by the rules, expectations, personalization, reference scores."""

from __future__ import annotations

from pydantic import BaseModel, Field

from agents.copywriter import personal_values
from domain.channels import Locale
from domain.copy import DraftSource
from domain.decision import PromotionResult
from domain.offer import Campaign
from domain.profile import PromptProfile
from evaluation.materialize import Materialized
from evaluation.mentions import attribute_recall, found, missing, personal_terms
from evaluation.text_metrics import bleu4, rouge_l, tokenize
from tools.compliance import OfferFacts, check_draft, describe_offer
from tools.compliance.categories import category_label


class ScenarioMetrics(BaseModel):
    """What one scenario scored. None means: does not apply (no message, no expectation, an error)."""

    sent: bool | None = Field(default=None, description="The targeting decision; None after an error.")
    expected_send: bool | None = None
    decision_agrees: bool | None = None
    locale: Locale | None = Field(default=None, description="Locale of the final message.")
    source: DraftSource | None = Field(default=None, description="llm, fallback or human; None without message.")
    attempts: int = Field(default=0, description="Writing attempts (0: no copy was written).")
    used_fallback: bool = False
    blocking: list[str] = Field(default_factory=list, description="Codes of blocking violations in the final copy.")
    warnings: list[str] = Field(default_factory=list, description="Codes of warnings in the final copy.")
    claim_ok: bool | None = Field(default=None, description="No claims-family violation in the final copy.")
    channel_ok: bool | None = Field(default=None, description="No channel-family violation (length, opt-out).")
    rendered_length: int | None = None
    max_length_ok: bool | None = None
    must_mention_ok: bool | None = None
    missing_mentions: list[str] = Field(default_factory=list)
    must_not_mention_ok: bool | None = None
    forbidden_mentions: list[str] = Field(default_factory=list)
    personalized: bool | None = None
    matched_terms: list[str] = Field(default_factory=list)
    attribute_recall: float | None = None
    rouge_l: float | None = None
    bleu4: float | None = None
    copy_text: str | None = Field(default=None, description="Title, body and CTA of the final message.")
    drafts_reviewed: int = Field(default=0, description="LLM drafts the critic reviewed, all attempts.")
    drafts_blocked: int = Field(default=0, description="Of those, drafts with a blocking violation.")
    draft_blocking: list[str] = Field(default_factory=list, description="Blocking codes the critic found in drafts.")


def delivered_text(result: PromotionResult) -> str:
    """What the receiver sees: the title and the rendered body (brand, CTA and opt-out included)."""
    if result.message is None:
        return ""
    return f"{result.message.title}\n{result.rendered or result.message.rendered_body()}"


def campaign_personal_terms(campaign: Campaign, profile: PromptProfile, locale: Locale) -> list[str]:
    """The user's signal terms minus what the campaign says to everyone (its name, categories and offer)."""
    labels = [category_label(c, locale) or c for c in campaign.eligible_categories]
    campaign_text = " ".join([campaign.name, *campaign.eligible_categories, *labels])
    campaign_text += " " + describe_offer(campaign.offer, locale)
    return personal_terms(profile, locale, campaign_text)


def _expectation_metrics(m: Materialized, result: PromotionResult) -> dict[str, object]:
    expect, text = m.scenario.expect, delivered_text(result)
    out: dict[str, object] = {}
    if expect.decision is not None:
        out["expected_send"] = expect.decision == "send"
        out["decision_agrees"] = result.decision.send == (expect.decision == "send")
    if expect.must_mention:
        out["missing_mentions"] = missing(text, expect.must_mention) if text else list(expect.must_mention)
        out["must_mention_ok"] = not out["missing_mentions"]
    if expect.must_not_mention:
        out["forbidden_mentions"] = found(text, expect.must_not_mention)
        out["must_not_mention_ok"] = not out["forbidden_mentions"]
    if expect.max_length is not None and result.rendered is not None:
        out["max_length_ok"] = len(result.rendered) <= expect.max_length
    return out


def _copy_metrics(m: Materialized, result: PromotionResult) -> dict[str, object]:
    message = result.message
    if message is None:
        return {}
    campaign = m.campaign
    violations = check_draft(
        message,
        campaign,
        OfferFacts.from_campaign(campaign, m.campaign_items()),
        personal_data=personal_values(m.user),
        now=m.clock,
    )
    blocking = [v for v in violations if v.severity == "block"]
    terms = campaign_personal_terms(campaign, result.explanation.features_used, message.locale)
    copy = message.full_text()
    matched = found(copy, terms)
    out: dict[str, object] = {
        "locale": message.locale,
        "source": message.source,
        "blocking": [v.code for v in blocking],
        "warnings": [v.code for v in violations if v.severity == "warn"],
        "claim_ok": not any(v.family == "claims" for v in blocking),
        "channel_ok": not any(v.family == "channel" for v in blocking),
        "rendered_length": len(result.rendered or ""),
        "personalized": bool(matched) if terms else None,
        "matched_terms": matched,
        "attribute_recall": attribute_recall(copy, m.scenario.attributes),
        "copy_text": copy,
    }
    reference = m.scenario.expect.reference
    if reference:
        candidate, ref = tokenize(message.body, message.locale), tokenize(reference, message.locale)
        out |= {"rouge_l": rouge_l(candidate, ref), "bleu4": bleu4(candidate, ref)}
    return out


def score_scenario(m: Materialized, result: PromotionResult | None) -> ScenarioMetrics:
    """Score one scenario's result; an errored run (no result) scores only its expected decision."""
    if result is None:
        expected = m.scenario.expect.decision
        return ScenarioMetrics(expected_send=None if expected is None else expected == "send")
    llm_drafts = {(d.variant_id, d.attempt) for d in result.drafts if d.source == "llm"}
    reviews = [r for r in result.reviews if (r.variant_id, r.attempt) in llm_drafts]
    fields: dict[str, object] = {
        "drafts_reviewed": len(reviews),
        "drafts_blocked": sum(bool(r.blocking) for r in reviews),
        "draft_blocking": [v.code for r in reviews for v in r.blocking],
        "sent": result.decision.send,
        "attempts": result.explanation.attempts,
        "used_fallback": result.explanation.used_fallback,
        **_expectation_metrics(m, result),
        **_copy_metrics(m, result),
    }
    return ScenarioMetrics.model_validate(fields)
