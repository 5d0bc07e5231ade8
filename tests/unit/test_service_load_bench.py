"""The service load bench's client part (bench/service_load.py), in-process against the app on scripted fakes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bench.service_load import (
    Kind,
    LoadPlan,
    Target,
    error_lines,
    judge_status,
    plan_calls,
    run_load,
    start_run,
    stream_problem,
    summarise,
)
from service.app import create_app
from tests.service_support import build_runtime, close_runtime
from tests.unit.conftest import NOW, make_campaign
from tools.services import Services

TARGET = Target("promo_key", ("u-zh-1", "u-en-1", "u-cold"), make_campaign().model_dump(mode="json"), "r-load")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_past_capacity_refusals_carry_retry_after_and_nothing_fails(tmp_path: Path, services: Services) -> None:
    runtime = build_runtime(
        tmp_path / "home",
        services,
        service_max_jobs=1,
        service_queue=1,
        service_queue_timeout_s=0.5,
        service_retry_after_s=1,
    )
    target = Target(runtime.keys.add("load", "marketer"), TARGET.user_ids, TARGET.campaign, TARGET.run_id)
    app = create_app(runtime)
    refusals: list[str | None] = []

    async def note_refusal(response: httpx.Response) -> None:
        if response.status_code in (429, 503):
            refusals.append(response.headers.get("Retry-After"))

    plan = LoadPlan(clients=12, requests_per_client=3, seed=3, timeout_s=10, think_s=0.0, deadline_s=30)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://load.test", event_hooks={"response": [note_refusal]}
        ) as client:
            await start_run(client, target, users=2)
            result = await run_load(client, target, plan)
    finally:
        app.state.service.campaign_runs.join(10)  # the run's worker writes to stores that close next
        close_runtime(runtime)

    assert result.errors == [], error_lines(result)
    rows = {row.kind: row for row in summarise(result.outcomes)}
    assert rows["total"].count == 36 == rows["total"].ok + rows["total"].rejected
    assert refusals, "12 clients against 1 slot and a queue of 1 must be refused some of the time"
    assert set(refusals) == {"1"}, "every refusal names when to come back"
    assert rows["total"].retried >= 1
    assert rows["chat_stream"].first_line_p50_s is not None


@pytest.mark.parametrize(
    ("kind", "status", "retry_after", "verdict"),
    [
        ("chat", 200, None, "ok"),
        ("promotion", 202, None, "ok"),
        ("chat", 202, None, "error"),
        ("chat", 429, "5", "rejected"),
        ("promotion", 503, "5", "rejected"),
        ("chat", 429, "Wed, 21 Oct 2015 07:28:00 GMT", "rejected"),
        ("chat", 429, None, "error"),
        ("healthz", 503, "soon", "error"),
        ("chat", 429, "-1", "error"),
        ("chat", 500, "5", "error"),
        ("feedback", 422, None, "error"),
        ("run_status", 404, None, "error"),
    ],
)
def test_judge_status(kind: Kind, status: int, retry_after: str | None, verdict: str) -> None:
    assert judge_status(kind, status, retry_after)[0] == verdict


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (['data: {"choices":[]}', "", "data: [DONE]", ""], None),
        (['data: {"choices":[]}', 'data: {"error":{"message":"boom"}}'], "stream error"),
        (['data: {"choices":[],"promo_event":{"kind":"error","text":"x"}}', "data: [DONE]"], "assistant error"),
        (['data: {"choices":[]}'], "without [DONE]"),
    ],
)
def test_stream_problem(lines: list[str], problem: str | None) -> None:
    found = stream_problem(lines)
    assert found is None if problem is None else (found is not None and problem in found)


def test_the_plan_is_fixed_by_the_seed() -> None:
    plan, now = LoadPlan(clients=2, requests_per_client=20, seed=5), NOW
    assert plan_calls(plan, TARGET, 0, now) == plan_calls(plan, TARGET, 0, now)
    assert plan_calls(plan, TARGET, 0, now) != plan_calls(plan, TARGET, 1, now)
    no_run = Target(TARGET.marketer_key, TARGET.user_ids, TARGET.campaign, run_id=None)
    assert "run_status" not in {call.kind for call in plan_calls(plan, no_run, 0, now)}
    with pytest.raises(ValueError, match="mix needs"):
        LoadPlan(mix={"chat": 0})
