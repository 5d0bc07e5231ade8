"""The whole graph on real parts: the embedded llama.cpp server with the 0.5B model, Chroma, SQLite."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agents.context import Context
from domain.decision import UserOutcome
from graphs.batch import run_many
from shopdata.demo_shop import DemoShop, demo_campaigns
from tests.integration.real_model import REAL_MODEL
from tools.compliance import OfferFacts, check_draft
from tools.llm.usage import UsageMeter
from tools.services import Services

pytestmark = REAL_MODEL
NOW = datetime.now(UTC)


def assert_all_final_messages_pass(outcomes: list[UserOutcome], services: Services) -> None:
    for outcome in outcomes:
        assert outcome.result is not None, outcome.error
        message = outcome.result.message
        if message is None:
            continue
        campaign = next(c for c in demo_campaigns(NOW) if c.campaign_id == outcome.result.campaign_id)
        items = services.shop.items_for_campaign(campaign.eligible_categories, campaign.eligible_item_ids)
        blocking = [
            v
            for v in check_draft(message, campaign, OfferFacts.from_campaign(campaign, items))
            if v.severity == "block"
        ]
        assert blocking == [], f"{outcome.result.user_ref}: {message} violates {blocking}"


@pytest.mark.parametrize("campaign_index", [0, 1])
def test_campaign_over_real_users_sends_only_compliant_copy(
    services: Services, shop: DemoShop, campaign_index: int
) -> None:
    campaign = demo_campaigns(NOW)[campaign_index]
    reachable = [u.user_id for u in shop.users if any(u.has_consent(ch) for ch in campaign.channels)]
    users = reachable[:4]
    meter = UsageMeter()
    outcomes = run_many(
        users, campaign, Context(services=services, now=NOW, record_sends=False), concurrency=4, callbacks=[meter]
    )
    assert_all_final_messages_pass(outcomes, services)
    written = [o.result for o in outcomes if o.result is not None and o.result.explanation.attempts > 0]
    assert written, "no user reached the copywriter"
    assert meter.summary().calls >= len(written)
    print(meter.summary().line())
