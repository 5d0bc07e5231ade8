"""Run one scenario through the graph in its own shop database, meter its LLM use, and score the result."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from openai import OpenAIError

from agents.context import Context, graph_choices
from domain.clock import utc_now
from domain.decision import PromotionResult
from evaluation.materialize import Materialized
from evaluation.metrics import score_scenario
from evaluation.records import RunConfig, ScenarioRecord, Usage
from graphs.batch import run_one
from tools.llm.usage import UsageMeter
from tools.services import Services
from tools.stores.shop_db import ShopDB


def run_in_own_shop(m: Materialized, base: Services, config: RunConfig, db_dir: Path) -> ScenarioRecord:
    """Run one scenario in its own shop database and score it."""
    meter, result, error = UsageMeter(), None, None
    with ShopDB(db_dir / f"{m.scenario.id}.sqlite") as shop:
        shop.upsert_items(m.items)
        shop.upsert_users([m.user])
        services = replace(base, shop=shop)
        context = Context(services=services, record_sends=False, now=config.clock, **graph_choices(config))
        started = time.perf_counter()
        try:
            result = run_one(
                m.user.user_id,
                m.campaign,
                context,
                channel=m.scenario.channel,
                locale=m.scenario.locale,
                callbacks=[meter],
            )
        except (KeyError, ValueError, RuntimeError, OpenAIError) as exc:  # one bad scenario must not sink the run
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
    return _record(m, result, error, seconds, meter)


def _record(
    m: Materialized, result: PromotionResult | None, error: str | None, seconds: float, meter: UsageMeter
) -> ScenarioRecord:
    usage = meter.summary()
    return ScenarioRecord(
        scenario_id=m.scenario.id,
        fingerprint=m.scenario.fingerprint(),
        finished_at=utc_now(),  # wall-clock bookkeeping of the eval run, not the scenario clock
        seconds=round(seconds, 3),
        error=error,
        usage=Usage(
            calls=usage.calls,
            errors=usage.errors,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            llm_seconds=round(usage.total_seconds, 3),
        ),
        result=result,
        metrics=score_scenario(m, result),
    )
