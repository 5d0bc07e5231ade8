"""The chat turn's closing answer: which variants, who would get them and why, who would not and why.

Written from the results by code, not by the LLM: the summary must state decisions exactly.
"""

from __future__ import annotations

from typing import Any, cast

from langgraph.runtime import Runtime

from agents.chat_state import ChatState
from agents.context import ChatContext
from agents.text.brief_text import CHANNEL_LABELS, TIER_LABELS
from agents.text.chat_events import approved_drafts, emit
from agents.text.why_text import no_send_reason, outcome_text
from domain.brief import AudienceSample, CampaignBrief
from domain.channels import Locale
from domain.decision import PromotionResult
from prompts.phrases import phrase_table

ANSWER = cast(dict[Locale, dict[str, str]], phrase_table("chat", "answer"))
"""The closing answer's phrases: head line, one line per user, one per failure, and the no-match reply."""


def user_line(result: PromotionResult, brief: CampaignBrief) -> str:
    """One user: the message they would get and why, or why they would get none."""
    loc, decision, message = brief.locale, result.decision, result.message
    words = ANSWER[loc]
    tier = TIER_LABELS[loc][result.explanation.features_used.value_tier]
    who = words["who"].format(user_ref=result.user_ref, tier=tier)
    if decision.send and message is not None and decision.channel is not None:
        why = outcome_text(result, loc)
        channel = CHANNEL_LABELS[loc][decision.channel]
        return words["send"].format(who=who, channel=channel, title=message.title, body=message.body, why=why)
    return words["no_send"].format(who=who, why=no_send_reason(decision, loc))


def advice(brief: CampaignBrief, sample: AudienceSample | None) -> str:
    """What to loosen when nobody matched: only what the brief actually narrowed."""
    words = ANSWER[brief.locale]
    if sample is not None and sample.other_tier and brief.audience.value_tier != "any":
        return words["wider_tier"]
    if brief.audience.behaviour != "any":
        return words["wider_window"]
    return words["other_products"]


def summarise(
    brief: CampaignBrief, sample: AudienceSample | None, results: list[PromotionResult], failures: list[str]
) -> str:
    """The closing answer in the brief's language."""
    words = ANSWER[brief.locale]
    if not results and not failures:
        counts = (sample.no_behaviour, sample.other_tier, sample.no_consent) if sample else (0, 0, 0)
        nobody = words["nobody"].format(no_behaviour=counts[0], other_tier=counts[1], no_consent=counts[2])
        return f"{nobody}{advice(brief, sample)}"
    sends = [r for r in results if r.decision.send and r.message is not None]
    passed = [len(approved_drafts(r)) for r in results]
    head = words["head"].format(
        name=brief.name,
        sampled=len(results) + len(failures),
        sends=len(sends),
        not_sent=len(results) - len(sends),
        variants=sum(passed),
        asked=brief.n_variants,
    )
    short = sum(0 < n < brief.n_variants for n in passed)
    if short:
        head += words["short"].format(short=short, asked=brief.n_variants)
    tail = [words["failed"].format(user_ref=f) for f in failures]
    return "\n".join([head, *(user_line(r, brief) for r in results), *tail])


def write_answer(state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
    """Graph node: the closing answer, emitted and kept in the output."""
    if state.brief is None:
        raise ValueError("write_answer runs only after the intake produced a brief")
    text = summarise(state.brief, state.audience, state.results, state.failures)
    users = [
        {
            "user_ref": r.user_ref,
            "send": r.decision.send,
            "channel": r.decision.channel,
            "variant_id": r.decision.variant_id,
            "reasons": r.decision.reasons + r.decision.constraints,
        }
        for r in state.results
    ]
    emit("answer", text, {"users": users, "failures": state.failures})
    return {"answer": text}
