"""The graph's paths through each server: model discovery, structured copy (slots and free), the critique, the
bounded rewrite loop ending in the checked fallback, and streaming (the model's tokens and the chat page's turn).

The same tests run against the embedded llama.cpp and vLLM (tests/contract/servers.py): a server that answers
the OpenAI API differently (structured output, usage, streaming chunks, errors) fails here, not in a campaign.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
from langchain_core.messages import HumanMessage

from agents.context import ChatContext, Context
from agents.critic import critique
from domain.channels import Locale
from domain.chat import ChatEvent, ChatMessage
from domain.copy import CopyMode, CopyVariant, Draft
from domain.offer import Campaign
from graphs.batch import run_many, run_one
from graphs.chat import stream_chat
from shopdata.demo_shop import DemoShop, demo_campaigns
from tests.contract.servers import MODEL, NOW, Endpoint
from tools.compliance import OfferFacts, check_draft
from tools.llm.chat_model import first_model_id, make_chat_model
from tools.llm.usage import UsageMeter
from tools.services import Services
from tools.settings import Settings

pytestmark = pytest.mark.integration

SAMPLE_BRIEF = "给最近浏览过保温杯的高价值用户写三条双十一推送，满300减50"


def context(services: Services, *, copy_mode: CopyMode = "slots", max_rewrites: int = 1) -> Context:
    """The run's choices: two variants, critique off, nothing recorded as sent, the suite's clock."""
    return Context(
        services=services, now=NOW, record_sends=False, copy_mode=copy_mode, n_variants=2, max_rewrites=max_rewrites
    )


def reachable(shop: DemoShop, campaign: Campaign, n: int) -> list[str]:
    """The first `n` users with consent on one of the campaign's channels."""
    return [u.user_id for u in shop.users if any(u.has_consent(ch) for ch in campaign.channels)][:n]


def blocking(draft: Draft, campaign: Campaign, services: Services) -> list[str]:
    """Codes of the rule findings that would block `draft`."""
    items = services.shop.items_for_campaign(campaign.eligible_categories, campaign.eligible_item_ids)
    found = check_draft(draft, campaign, OfferFacts.from_campaign(campaign, items), now=NOW)
    return [v.code for v in found if v.severity == "block"]


def test_models_lists_the_served_model(endpoint: Endpoint) -> None:
    assert first_model_id(endpoint.base_url, Settings()) == endpoint.model


@pytest.mark.parametrize("copy_mode", ["slots", "free"])
@pytest.mark.parametrize("campaign_index", [0, 1], ids=["zh", "en"])
def test_structured_copy_through_the_graph(
    services: Services, shop: DemoShop, copy_mode: CopyMode, campaign_index: int
) -> None:
    campaign = demo_campaigns(NOW)[campaign_index]
    meter = UsageMeter()
    users = reachable(shop, campaign, 3)
    outcomes = run_many(users, campaign, context(services, copy_mode=copy_mode), concurrency=3, callbacks=[meter])
    results = [o.result for o in outcomes]
    assert all(r is not None for r in results), [o.error for o in outcomes]
    written = [r for r in results if r is not None and r.explanation.attempts > 0]
    assert written, "no user reached the copywriter"
    for result in written:
        if result.message is not None:
            assert blocking(result.message, campaign, services) == [], result.message
    parsed = [d for r in written for d in r.drafts if d.source == "llm"]
    assert parsed, "the server's structured output never parsed into a draft"
    if copy_mode == "slots":  # the grammar makes a parse failure impossible and repair fixes the rest
        assert sum(r.explanation.used_fallback for r in written) <= len(written) // 3
    assert meter.summary().calls >= len(written)
    print(copy_mode, meter.summary().line(), [r.rendered for r in written])


def test_the_critique_scores_a_draft(services: Services) -> None:
    variant = CopyVariant(title="冬天的热水", body="通勤路上一杯热茶，保温杯满300减50。", cta="立即选购")
    draft = Draft.from_variant(variant, variant_id="a0v0", channel="push", locale="zh", attempt=0)
    scores = critique(services.critic_model, draft, ["保温杯"], "亲切", "v1")
    assert scores is not None, "the critic's structured output did not parse"
    assert 1 <= scores.personalization <= 5


def test_a_cut_generation_spends_every_attempt_then_sends_the_checked_fallback(
    endpoint: Endpoint, services: Services, shop: DemoShop
) -> None:
    # Four tokens cannot hold a slot batch: every attempt is cut short, so the loop must end in the template.
    settings = Settings(llm_base_url=endpoint.base_url, embedded_model=MODEL)
    cut = make_chat_model(endpoint.base_url, endpoint.model, settings, max_tokens=4)
    campaign = demo_campaigns(NOW)[0]
    starved = replace(services, writer_model=cut, generation_cache=None)  # a cached answer would not be cut
    meter = UsageMeter()
    result = run_one(reachable(shop, campaign, 1)[0], campaign, context(starved, max_rewrites=2), callbacks=[meter])
    assert result.explanation.attempts == 3 and result.explanation.used_fallback
    used = meter.summary()  # a cut answer is an error of the call (the SDK's length error) or of parsing
    assert used.calls + used.errors == 3, f"one request per attempt, no critique: {used}"
    assert result.message is not None and result.message.source == "fallback"
    assert blocking(result.message, campaign, services) == []


@pytest.mark.parametrize(("locale", "ask"), [("zh", "用一句话介绍保温杯。"), ("en", "Describe a thermos in one line.")])
def test_the_model_streams_its_tokens(services: Services, locale: Locale, ask: str) -> None:
    chunks = [str(c.content) for c in services.critic_model.stream([HumanMessage(content=ask)])]
    assert len([c for c in chunks if c]) > 1, f"{locale}: the answer came in one piece: {chunks}"
    assert "".join(chunks).strip()


def test_a_chat_turn_streams_brief_audience_cards_and_answer(services: Services, shop: DemoShop) -> None:
    async def collect() -> list[ChatEvent]:
        messages = [ChatMessage(role="user", content=SAMPLE_BRIEF)]
        return [e async for e in stream_chat(messages, ChatContext(services=services, now=NOW, sample_size=3))]

    events = asyncio.run(collect())
    kinds = [e.kind for e in events]
    assert kinds[0] == "brief" and kinds[-1] == "answer", kinds
    assert "variant" in kinds, f"no card reached the page: {kinds}"
    # The copy streamed as the model wrote it: a structured output streams on this server too.
    drafts = [e.data or {} for e in events if e.kind == "draft"]
    assert drafts and all(d["variants"] and d["user_ref"].startswith("u_") for d in drafts), kinds
    shown = json.dumps([e.model_dump(mode="json") for e in events], ensure_ascii=False)
    for user in shop.users:
        assert user.user_id not in shown and user.phone not in shown and user.name not in shown
