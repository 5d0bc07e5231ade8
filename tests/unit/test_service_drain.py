"""Work in flight: a client that leaves stops its promotion's graph run; shutdown drains within a grace period."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from domain.copy import CopyBatch
from service.inflight import InFlight
from tests.fakes import ScriptedChatModel
from tests.service_support import build_runtime, close_runtime, serve
from tests.unit.conftest import bad_batch, make_campaign
from tests.unit.test_service_chat_faults import WAIT_S, _scope
from tools.llm.run_guard import RunCancelled, RunGuard
from tools.services import Services
from tools.settings import Settings


def test_drain_waits_for_work_that_ends_within_the_grace_period() -> None:
    async def scenario() -> None:
        inflight, guard, done = InFlight(), RunGuard(), asyncio.Event()

        async def work() -> None:
            with inflight.track(guard):
                await done.wait()

        working = asyncio.create_task(work())
        await asyncio.sleep(0)  # let it start: one turn of the loop, no time passes
        draining = asyncio.create_task(inflight.drain(grace_s=3600))
        await asyncio.sleep(0)
        assert inflight.count == 1 and not draining.done(), "the drain waits while work is in flight"
        done.set()
        assert await draining == 0 and not guard.cancelled
        await working

    asyncio.run(scenario())


def test_drain_cancels_what_is_left_when_the_grace_period_ends() -> None:
    async def scenario() -> None:
        inflight, stuck, finished = InFlight(), RunGuard(), RunGuard()
        with inflight.track(stuck):
            with inflight.track(finished):
                pass
            assert await inflight.drain(grace_s=0) == 1
        assert stuck.cancelled and not finished.cancelled
        with pytest.raises(RunCancelled, match="shutting down"):
            stuck.check()
        assert inflight.count == 0 and await inflight.drain(grace_s=0) == 0

    asyncio.run(scenario())


def test_the_grace_period_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert Settings(_env_file=None, home=tmp_path).service_drain_s == 30.0
    monkeypatch.setenv("PROMO_SERVICE_DRAIN_S", "5")
    assert Settings(_env_file=None, home=tmp_path).service_drain_s == 5.0


def test_a_client_that_leaves_stops_its_promotion_and_frees_its_slot(tmp_path: Path, services: Services) -> None:
    calls: list[str] = []
    in_call, release = threading.Event(), threading.Event()

    def slow(schema: type[CopyBatch]) -> CopyBatch:
        calls.append(schema.__name__)
        if len(calls) == 1:
            in_call.set()
            assert release.wait(WAIT_S)
        return bad_batch()  # a rejected draft: left alone, the graph would rewrite and call again

    runtime = build_runtime(tmp_path / "home", services)
    writer = services.writer_model
    assert isinstance(writer, ScriptedChatModel)
    writer.script(CopyBatch, slow, slow, slow)  # ahead of the default good batch: every attempt is slow
    served = serve(runtime)
    app = served.client.app
    body = json.dumps({"user_id": "u-zh-1", "campaign": make_campaign().model_dump(mode="json")}).encode()
    sent: list[dict[str, Any]] = []

    async def leave_during_the_first_call() -> None:
        gone = asyncio.Event()
        inbox = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            if inbox:
                return inbox.pop(0)
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        async def leave() -> None:
            assert await asyncio.get_running_loop().run_in_executor(None, in_call.wait, WAIT_S)
            gone.set()
            await asyncio.sleep(0)  # the watcher sees the disconnect and cancels the guard
            release.set()  # the call in flight ends; the run must not make another

        leaving = asyncio.create_task(leave())
        await asyncio.wait_for(app(_scope("/v1/promotions", served.marketer, body), receive, send), WAIT_S)
        await leaving

    try:
        asyncio.run(leave_during_the_first_call())
        assert sent[0]["status"] == 499
        assert calls == ["CopyBatch"], "no model call after the client left"
        assert app.state.service.jobs.running == 0  # type: ignore[attr-defined]
        assert app.state.service.inflight.count == 0  # type: ignore[attr-defined]
    finally:
        release.set()
        close_runtime(runtime)
