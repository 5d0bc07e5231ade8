"""The chat turn's closing answer: which variants, who would get them and why, who would not and why.

Written from the results by code, not by the LLM: the summary must state decisions exactly.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.chat_state import ChatState
from agents.context import ChatContext
from agents.text.brief_text import CHANNEL_LABELS, TIER_LABELS
from agents.text.chat_events import approved_drafts, emit
from domain.brief import AudienceSample, CampaignBrief
from domain.decision import PromotionResult

MAX_REASONS = 2


def user_line(result: PromotionResult, brief: CampaignBrief) -> str:
    """One user: the message they would get and why, or why they would get none."""
    loc, decision, message = brief.locale, result.decision, result.message
    profile = result.explanation.features_used
    who = f"{result.user_ref}（{TIER_LABELS[loc][profile.value_tier]}）" if loc == "zh" else (
        f"{result.user_ref} ({TIER_LABELS[loc][profile.value_tier]})")  # fmt: skip
    if decision.send and message is not None and decision.channel is not None:
        why = "; ".join(decision.reasons[:MAX_REASONS])
        channel = CHANNEL_LABELS[loc][decision.channel]
        if loc == "zh":
            return f"- {who}：{channel}「{message.title}」{message.body}（{why}）"
        return f"- {who}: {channel} \u201c{message.title}\u201d {message.body} ({why})"
    why = "; ".join([*decision.reasons[:1], *decision.constraints[:1]]) or "-"
    return f"- {who}：不发送（{why}）" if loc == "zh" else f"- {who}: no send ({why})"


def summarise(
    brief: CampaignBrief, sample: AudienceSample | None, results: list[PromotionResult], failures: list[str]
) -> str:
    """The closing answer in the brief's language."""
    zh = brief.locale == "zh"
    if not results and not failures:
        counts = (sample.no_behaviour, sample.other_tier, sample.no_consent) if sample else (0, 0, 0)
        if zh:
            return (
                f"没有找到符合条件的用户（行为不符 {counts[0]}，价值层级不符 {counts[1]}，"
                f"无营销授权 {counts[2]}）。可以放宽人群条件，例如不限价值层级或延长时间窗口。"
            )
        return (
            f"No user matches this brief ({counts[0]} without the behaviour, {counts[1]} in another value tier, "
            f"{counts[2]} without consent). Try a wider audience, e.g. any value tier or a longer window."
        )
    sends = [r for r in results if r.decision.send and r.message is not None]
    variants = sum(len(approved_drafts(r)) for r in results)
    if zh:
        head = (
            f"预览完成（不会真正发送）：{brief.name}，抽样 {len(results) + len(failures)} 位用户，"
            f"{len(sends)} 位会收到消息，{len(results) - len(sends)} 位不发送；"
            f"共 {variants} 条候选文案通过审核。"
        )
        tail = [f"- {f}（生成失败）" for f in failures]
    else:
        head = (
            f"Preview done (nothing was sent): {brief.name}, {len(results) + len(failures)} users sampled, "
            f"{len(sends)} would get a message, {len(results) - len(sends)} would not; "
            f"{variants} variants passed review."
        )
        tail = [f"- {f} (failed)" for f in failures]
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
