"""Measure the whole graph on real parts: per-user latency, LLM tok/s as the graph sees it, outcome shares.

Usage: ``python bench/graph_requests.py --model qwen2.5-coder-1.5b --users 12 --campaign 0``.
Builds the seeded demo shop in a temporary home, starts the embedded model (or uses PROMO_LLM_BASE_URL),
runs the users concurrently with as many workers as server slots, and prints numbers. Run it on a quiet
machine: any other CPU load collapses CPU inference.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

from agents.context import Context
from domain.decision import UserOutcome
from graphs.batch import run_many
from shopdata.demo_shop import build_demo_shop, demo_campaigns
from tools.compliance import OfferFacts, check_draft
from tools.llm.chat_model import llm_endpoint
from tools.llm.usage import UsageMeter
from tools.services import open_services
from tools.settings import EmbeddedModel, get_settings


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model", choices=get_args(EmbeddedModel), default="qwen2.5-coder-1.5b")
    parser.add_argument("--users", type=int, default=24, help="users to run (some are unreachable or below the line)")
    parser.add_argument("--campaign", type=int, default=0, choices=[0, 1, 2])
    parser.add_argument("--parallel", type=int, default=4, help="server slots and graph concurrency")
    return parser.parse_args()


def outcome_shares(outcomes: list[UserOutcome]) -> dict[str, int]:
    """How the written messages ended: first try, after rewrites, via the fallback, or not sent."""
    shares = {"first_pass": 0, "after_rewrite": 0, "fallback": 0, "no_send": 0, "error": 0}
    for outcome in outcomes:
        result = outcome.result
        if result is None:
            shares["error"] += 1
        elif result.message is None:
            shares["no_send"] += 1
        elif result.explanation.used_fallback:
            shares["fallback"] += 1
        elif result.explanation.attempts == 1:
            shares["first_pass"] += 1
        else:
            shares["after_rewrite"] += 1
    return shares


def main() -> None:
    """Run the benchmark and print its figures."""
    args = _args()
    now = datetime.now(UTC)
    model_settings = get_settings().model_copy(
        update={"embedded_model": args.model, "embedded_parallel": args.parallel}
    )
    shop = build_demo_shop(seed=7, n_users=max(40, args.users), now=now)
    campaign = demo_campaigns(now)[args.campaign].model_copy(update={"max_sends": 10_000})
    with tempfile.TemporaryDirectory(prefix="promo-bench-") as home, llm_endpoint(model_settings) as endpoint:
        # Fresh stores per run; the model cache stays in the default home.
        services = open_services(model_settings.model_copy(update={"home": Path(home)}), endpoint)
        services.shop.upsert_items(shop.items)
        services.shop.upsert_users(shop.users)
        services.history.add_events(shop.events)
        meter = UsageMeter()
        context = Context(services=services, now=now, record_sends=False)
        started = time.perf_counter()
        outcomes = run_many(
            [u.user_id for u in shop.users][: args.users],
            campaign,
            context,
            concurrency=args.parallel,
            callbacks=[meter],
        )
        wall = time.perf_counter() - started
        services.close()
    written = [o for o in outcomes if o.result is not None and o.result.explanation.attempts > 0]
    latencies = sorted(o.seconds for o in written)
    usage = meter.summary()
    print(f"model {args.model}, {args.parallel} slots, campaign {campaign.campaign_id}")
    print(f"users run {len(outcomes)}, written for {len(written)} (others: unreachable or below threshold)")
    if latencies:
        p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
        print(f"per-user latency (written): p50 {statistics.median(latencies):.1f}s p95 {p95:.1f}s")
    print(f"outcomes: {outcome_shares(outcomes)}")
    facts = OfferFacts.from_campaign(campaign, shop.items)
    violating = [
        o.result.user_ref
        for o in outcomes
        if o.result is not None
        and o.result.message is not None
        and any(v.severity == "block" for v in check_draft(o.result.message, campaign, facts))
    ]
    print(f"final messages with a blocking rule violation: {len(violating)} {violating}")
    print(f"LLM as the graph saw it: {usage.line()}")
    print(f"wall {wall:.1f}s, {len(written) / wall * 60:.1f} written messages/min")


if __name__ == "__main__":
    main()
