"""The chat graph end to end on real parts: the 0.5B model, Chroma and SQLite, with the Chinese sample brief."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from agents.context import ChatContext
from domain.chat import ChatEvent, ChatMessage
from graphs.chat import stream_chat
from shopdata.demo_shop import DemoShop
from tests.integration.real_model import REAL_MODEL
from tools.services import Services

pytestmark = REAL_MODEL
NOW = datetime.now(UTC)
SAMPLE_BRIEF = "给最近浏览过保温杯的高价值用户写三条双十一推送，满300减50"


def test_sample_brief_end_to_end(services: Services, shop: DemoShop) -> None:
    async def collect() -> list[ChatEvent]:
        messages = [ChatMessage(role="user", content=SAMPLE_BRIEF)]
        return [e async for e in stream_chat(messages, ChatContext(services=services, now=NOW))]

    events = asyncio.run(collect())
    for event in events:
        print(f"[{event.kind}] {event.text}")
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["brief", "audience"] and kinds[-1] == "answer", kinds
    brief = (events[0].data or {})["brief"]
    assert brief["offer"]["threshold"] == 300 and brief["offer"]["amount_off"] == 50
    assert brief["scope"]["categories"] == ["thermos"] and brief["n_variants"] == 3
    assert brief["audience"]["value_tier"] == "high" and brief["channels"] == ["push"]
    variants = [e.data or {} for e in events if e.kind == "variant"]
    assert variants, "no critic-approved variant"
    assert all("claims" in v["checks_passed"] for v in variants)
    shown = json.dumps([e.model_dump(mode="json") for e in events], ensure_ascii=False)
    for user in shop.users:
        assert user.user_id not in shown and user.phone not in shown and user.name not in shown
    print("intake notes:", (events[0].data or {})["notes"], "variant sources:", [v["source"] for v in variants])
