"""The chat graph's events: emitted on LangGraph's custom stream, built from pseudonymous results only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from langgraph.config import get_stream_writer

from agents.text.brief_text import CHANNEL_LABELS, SEP, TIER_LABELS
from agents.text.why_text import detail_lines, no_send_reason, who_text, why_text
from domain.brief import AudienceSample, CampaignBrief
from domain.channels import Locale
from domain.chat import ChatEvent, ChatEventKind
from domain.copy import Draft
from domain.decision import PromotionResult
from domain.review import DraftReview
from prompts.phrases import phrase_table

SAMPLE = cast(dict[Locale, dict[str, str]], phrase_table("chat", "sample"))
STATUS = cast(dict[Locale, dict[str, str]], phrase_table("chat", "status"))
CHOSEN_MARK = cast(dict[Locale, str], phrase_table("chat", "chosen_mark"))


def emit(kind: ChatEventKind, text: str, data: dict[str, Any] | None = None) -> None:
    """Write one ChatEvent (as JSON-ready data) to the running graph's custom stream."""
    get_stream_writer()(ChatEvent(kind=kind, text=text, data=data).model_dump(mode="json"))


def draft_publisher() -> Callable[[str, list[dict[str, str]]], None]:
    """Publishes a user's draft as the model writes it (agents/draft_stream.py), from any thread.

    The node's stream writer is taken here, in the node: the users' runs have writers of their own.
    """
    write = get_stream_writer()

    def publish(user_ref: str, variants: list[dict[str, str]]) -> None:
        event = ChatEvent(kind="draft", text="", data={"user_ref": user_ref, "variants": variants})
        write(event.model_dump(mode="json"))

    return publish


def approved_drafts(result: PromotionResult) -> list[tuple[Draft, DraftReview]]:
    """Drafts that passed every blocking rule, with their review, in writing order."""
    reviews = {(r.variant_id, r.attempt): r for r in result.reviews}
    pairs = [(d, reviews.get((d.variant_id, d.attempt))) for d in result.drafts]
    return [(d, r) for d, r in pairs if r is not None and r.verdict == "PASS"]


def sample_text(sample: AudienceSample, locale: Locale) -> str:
    """Who was sampled and who was passed over, in counts."""
    words = SAMPLE[locale]
    tiers = SEP[locale].join(TIER_LABELS[locale][u.profile.value_tier] for u in sample.users) or words["nobody"]
    return words["text"].format(
        sampled=len(sample.users),
        scanned=sample.scanned,
        total=sample.total,
        tiers=tiers,
        no_behaviour=sample.no_behaviour,
        other_tier=sample.other_tier,
        no_consent=sample.no_consent,
    )


def status_text(result: PromotionResult | None, user_ref: str, error: str | None, locale: Locale) -> str:
    """One line per finished user: the decision, or why nothing is sent, or the failure."""
    words = STATUS[locale]
    if result is None:
        return words["failed"].format(user_ref=user_ref, error=error)
    decision = result.decision
    if decision.send and decision.channel:
        return words["send"].format(user_ref=user_ref, channel=CHANNEL_LABELS[locale][decision.channel])
    return words["no_send"].format(user_ref=user_ref, why=no_send_reason(decision, locale))


def repaired_findings(result: PromotionResult, draft: Draft) -> list[dict[str, str]]:
    """What the rules fixed in this draft before it passed.

    The blocking findings of the same variant and attempt, reviewed as the model wrote it: agents/critic.py
    keeps that review on record when the repair passes.
    """
    return [
        {"code": v.code, "family": v.family, "span": v.span}
        for r in result.reviews
        if r.variant_id == draft.variant_id and r.attempt == draft.attempt and r.verdict != "PASS"
        for v in r.blocking
    ]


def variant_payload(result: PromotionResult, draft: Draft, review: DraftReview, approved: int = 1) -> dict[str, Any]:
    """A critic-approved message with who would get it and why; pseudonymous and feature-level only.

    `who`, `why` and `detail` are what the page shows, in the copy's language (the brief's): the decision in
    plain sentences, and the technical detail for one click away; the rest is machine-readable.
    """
    decision = result.decision
    chosen = decision.send and decision.variant_id == draft.variant_id and result.message == draft
    return {
        "user_ref": result.user_ref,
        "variant_id": draft.variant_id,
        "channel": draft.channel,
        "locale": draft.locale,
        "title": draft.title,
        "body": draft.body,
        "cta": draft.cta,
        "source": draft.source,
        "chosen": chosen,
        "rendered": result.rendered if result.message == draft else None,
        "who": who_text(result, draft.locale),
        "why": why_text(result, draft, review, chosen=chosen, approved=approved),
        "detail": detail_lines(result, review, draft.locale, chosen=chosen),
        "features": result.explanation.features_used.model_dump(mode="json"),
        "checks_passed": review.checks_passed,
        "repaired": repaired_findings(result, draft),
        "critique": review.critique.model_dump(mode="json") if review.critique else None,
        "decision": {
            "send": decision.send,
            "channel": decision.channel,
            "send_at": decision.send_at.isoformat(timespec="seconds") if decision.send_at else None,
            "score": decision.score,
            "threshold": decision.threshold,
            "reasons": decision.reasons + decision.constraints,
        },
    }


def variant_text(payload: dict[str, Any], locale: Locale) -> str:
    """A variant as the chat shows it: who, channel, the copy."""
    channel = CHANNEL_LABELS[locale][payload["channel"]]
    mark = CHOSEN_MARK[locale] if payload["chosen"] else ""
    return f"[{payload['user_ref']} · {channel}{mark}] {payload['title']}｜{payload['body']}｜{payload['cta']}"


def emit_user_done(
    result: PromotionResult | None, user_ref: str, error: str | None, brief: CampaignBrief
) -> list[dict[str, Any]]:
    """Emit a user's status and each of their approved variants; returns the variant payloads."""
    emit("status", status_text(result, user_ref, error, brief.locale), {"user_ref": user_ref, "error": error})
    if result is None:
        return []
    approved = approved_drafts(result)
    payloads = [variant_payload(result, draft, review, len(approved)) for draft, review in approved]
    for payload in payloads:
        emit("variant", variant_text(payload, brief.locale), payload)
    return payloads
