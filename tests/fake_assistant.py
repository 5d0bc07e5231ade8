"""Fake chat assistants for the service tests: a realistic scripted one, a gated one, a failing one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from domain.chat import ChatEvent, ChatMessage


def _variant(variant_id: str, channel: str, title: str, body: str, chosen: bool, reasons: list[str]) -> dict[str, Any]:
    """A variant payload shaped as agents/text/chat_events.py builds it."""
    return {
        "user_ref": "u_3f2a9c1d0b7e",
        "variant_id": variant_id,
        "channel": channel,
        "locale": "zh",
        "title": title,
        "body": body,
        "cta": "去看看",
        "source": "llm",
        "chosen": chosen,
        "rendered": f"{title}｜{body}｜去看看" if chosen else None,
        "features": {
            "recency": "7d",
            "value_tier": "high",
            "price_sensitivity": "mid",
            "funnel_stage": "considering",
            "top_categories": ["thermos"],
            "interests": ["316不锈钢保温杯"],
        },
        "checks_passed": ["claims", "absolute_terms", "personal_data"],
        "critique": {"fluency": 4, "tone": 4, "personalization": 3, "comment": "ok"},
        "decision": {
            "send": True,
            "channel": "push",
            "send_at": "2026-11-05T14:00:00+08:00",
            "score": 0.031,
            "threshold": 0.02,
            "reasons": reasons,
        },
    }


VARIANTS = [
    _variant(
        "v1",
        "push",
        "保温杯好价",
        "你常看的316不锈钢保温杯参加双十一，满300减50。",
        True,
        ["最近浏览保温杯", "push 已授权"],
    ),
    _variant("v2", "push", "暖心好物", "双十一保温杯专场，满300减50，给家人挑一只。", False, ["最近浏览保温杯"]),
]


async def scripted_assistant(messages: list[ChatMessage], delay_s: float = 0.05) -> AsyncIterator[ChatEvent]:
    """Answers any brief the way the chat graph does: status lines, the brief, audience, two variants, summary."""
    brief = messages[-1].content
    yield ChatEvent(kind="status", text="Reading the brief…\n")
    await asyncio.sleep(delay_s)
    yield ChatEvent(kind="brief", text=f"Brief: {brief[:40]}\n", data={"offer": "满300减50", "channels": ["push"]})
    await asyncio.sleep(delay_s)
    yield ChatEvent(kind="audience", text="Sampled 3 users who viewed thermoses recently.\n", data={"sampled": 3})
    for variant in VARIANTS:
        await asyncio.sleep(delay_s)
        # Like the chat graph's variant lines, this text has no trailing newline: the service adds one.
        text = f"[{variant['user_ref']} · {variant['channel']}] {variant['title']}｜{variant['body']}"
        yield ChatEvent(kind="variant", text=text, data=variant)
    yield ChatEvent(kind="answer", text="Two variants passed review.\n")


class GatedAssistant:
    """Holds every turn open until `gate` is set, to saturate the service on purpose."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.started = 0

    async def __call__(self, messages: list[ChatMessage]) -> AsyncIterator[ChatEvent]:
        """One status event, then wait for the gate."""
        self.started += 1
        yield ChatEvent(kind="status", text="working\n")
        await self.gate.wait()
        yield ChatEvent(kind="answer", text="done\n")


async def failing_assistant(messages: list[ChatMessage]) -> AsyncIterator[ChatEvent]:
    """Fails after its first event, as a crashed graph would."""
    yield ChatEvent(kind="status", text="Reading the brief…\n")
    raise RuntimeError("the chat graph crashed")
