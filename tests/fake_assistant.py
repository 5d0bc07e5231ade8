"""Fake chat assistants for the service tests: a realistic scripted one, a gated one, a failing one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from domain.chat import ChatEvent, ChatMessage
from tests.unit.conftest import make_campaign

WHY_CHOSEN = (
    "高价值用户，近 7 天来过店里，加购或收藏过保温杯。这条通过了全部 3 项规则检查，从 2 条通过的文案中选中；"
    "走App 推送，因为用户同意接收，且按点击习惯和成本排第一。"
    "预计发送可让转化率提高 3.1 个百分点（门槛 2.0 个百分点），北京时间 11月5日 14:00发出。"
)
WHY_SPARE = (
    "高价值用户，近 7 天来过店里，加购或收藏过保温杯。这条也通过了全部 3 项规则检查，作为备选；这位用户收到的是另一条。"
)
DETAIL = [
    "预计提升：3.1 个百分点，发送门槛 2.0 个百分点",
    "品类偏好：+2.50 个百分点",
    "通过的检查：claims, absolute_terms, personal_data",
    "发送时间：2026-11-05 14:00 UTC+8",
]


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
        "who": "u_3f2a9c1d0b7e（高价值，近 7 天来过店里）",
        "why": WHY_CHOSEN if chosen else WHY_SPARE,
        "detail": DETAIL,
        "features": {
            "recency": "7d",
            "value_tier": "high",
            "price_sensitivity": "mid",
            "funnel_stage": "considering",
            "top_categories": ["thermos"],
            "interests": ["316不锈钢保温杯"],
        },
        "checks_passed": ["claims", "absolute_terms", "personal_data"],
        "repaired": [{"code": "ABS_SUPERLATIVE", "family": "absolute_terms", "span": "全网最低"}] if chosen else [],
        "critique": {"fluency": 4, "tone": 4, "personalization": 3, "comment": "ok"},
        "decision": {
            "send": True,
            "channel": "push",
            "send_at": "2026-11-05T14:00:00+08:00",  # machine-readable: the page shows `why` instead
            "score": 0.031,
            "threshold": 0.02,
            "reasons": reasons,
        },
    }


BRIEF_DATA: dict[str, Any] = {
    "locale": "zh",
    "campaign": make_campaign().model_dump(mode="json"),  # an edited card is checked against it
    "fields": [
        {"field": "offer", "label": "优惠", "value": "满300减50", "source": "stated", "source_label": "您写的"},
        {
            "field": "value_tier",
            "label": "人群",
            "value": "不限价值层级",
            "source": "default",
            "source_label": "默认，可改",
        },
        {"field": "channels", "label": "渠道", "value": "App 推送", "source": "stated", "source_label": "您写的"},
    ],
}
"""The brief event's data as agents/intake.py builds it (fewer fields)."""

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
    yield ChatEvent(kind="status", text="正在读取需求…\n")
    await asyncio.sleep(delay_s)
    yield ChatEvent(kind="brief", text=f"活动：{brief[:40]}\n", data=BRIEF_DATA)
    await asyncio.sleep(delay_s)
    yield ChatEvent(kind="audience", text="抽样 3 位最近浏览过保温杯的用户。\n", data={"sampled": 3})
    for variant in VARIANTS:
        await asyncio.sleep(delay_s)
        # Like the chat graph's variant lines, this text has no trailing newline: the service adds one.
        text = f"[{variant['user_ref']} · {variant['channel']}] {variant['title']}｜{variant['body']}"
        yield ChatEvent(kind="variant", text=text, data=variant)
    yield ChatEvent(kind="answer", text="两条文案通过审核。\n")


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
