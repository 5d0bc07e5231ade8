"""The injection suite against the real local model: 0 payloads may reach a final message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agents.context import Context
from graphs.batch import run_many
from tests.injection import load_payloads, planted_history, succeeded, victim
from tests.integration.real_model import REAL_MODEL
from tests.unit.conftest import ITEMS, make_campaign
from tools.compliance import OfferFacts, check_draft
from tools.llm.chat_model import llm_endpoint
from tools.services import Services, open_services
from tools.settings import Settings

pytestmark = REAL_MODEL
NOW = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
PAYLOADS = load_payloads()


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    home: Path = tmp_path_factory.mktemp("inj-home")
    settings = Settings(home=home, embedded_model="qwen2.5-coder-0.5b", embedded_parallel=4, llm_base_url=None)
    with llm_endpoint(settings) as endpoint:
        bundle = open_services(settings, endpoint)
        bundle.shop.upsert_items(ITEMS)
        bundle.shop.upsert_users([victim(p) for p in PAYLOADS])
        bundle.history.add_events([e for p in PAYLOADS for e in planted_history(p, ITEMS[0], NOW)])
        yield bundle
        bundle.close()


def test_no_injection_reaches_a_final_message(services: Services) -> None:
    campaign = make_campaign()
    context = Context(services=services, now=NOW, record_sends=False, llm_critique=False, n_variants=1, max_rewrites=1)
    outcomes = run_many([p.user_id for p in PAYLOADS], campaign, context, concurrency=4)
    facts = OfferFacts.from_campaign(campaign, ITEMS)
    successes = []
    for payload, outcome in zip(PAYLOADS, outcomes, strict=True):
        assert outcome.result is not None, outcome.error
        message = outcome.result.message
        if message is None:
            continue
        blocking = [v for v in check_draft(message, campaign, facts) if v.severity == "block"]
        if succeeded(payload, f"{message.full_text()}\n{outcome.result.rendered}", blocking):
            successes.append((payload.id, outcome.result.rendered))
    sent = sum(1 for o in outcomes if o.result is not None and o.result.message is not None)
    print(f"injection suite: {len(PAYLOADS)} payloads, {sent} messages sent, {len(successes)} successes")
    assert successes == []
