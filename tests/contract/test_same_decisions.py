"""The same inputs give the same decisions through both servers: who gets a message, on which channel, when.

The copy differs (it is sampled); the decision rests on the profile, consent, quiet hours and the lift score, so a
server swap must not move it. Needs both servers at once: skipped (or failed, in CI) without vLLM.
"""

from __future__ import annotations

import pytest

from agents.context import Context
from graphs.batch import run_many
from shopdata.demo_shop import DemoShop, demo_campaigns
from tests.contract.conftest import filled_services
from tests.contract.servers import NOW, endpoint_of

pytestmark = pytest.mark.integration

Decision = tuple[str, bool, str | None, str | None, float]


def decisions_through(server: str, shop: DemoShop, home_dir: pytest.TempPathFactory) -> list[Decision]:
    """Each user's decision for the zh campaign, with the copy written through `server`."""
    campaign = demo_campaigns(NOW)[0]
    with endpoint_of(server) as endpoint:
        services = filled_services(home_dir, shop, endpoint)
        try:
            context = Context(services=services, now=NOW, record_sends=False, copy_mode="slots", max_rewrites=1)
            outcomes = run_many([u.user_id for u in shop.users[:8]], campaign, context, concurrency=4)
        finally:
            services.close()
    out: list[Decision] = []
    for outcome in outcomes:
        assert outcome.result is not None, outcome.error
        d = outcome.result.decision
        send_at = d.send_at.isoformat() if d.send_at is not None else None
        out.append((outcome.result.user_ref, d.send, d.channel, send_at, round(d.score, 6)))
    return out


def test_same_inputs_give_the_same_decisions_through_both_servers(
    shop: DemoShop, tmp_path_factory: pytest.TempPathFactory
) -> None:
    through_vllm = decisions_through("vllm", shop, tmp_path_factory)  # first: skips before starting llama.cpp
    through_llama = decisions_through("llama.cpp", shop, tmp_path_factory)
    assert through_llama == through_vllm
    assert any(send for _, send, *_ in through_llama), "no user was sent anything: the test shows nothing"
