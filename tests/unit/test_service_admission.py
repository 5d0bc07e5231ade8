"""Admission control and LLM health: 429 with Retry-After past capacity, 503 with Retry-After when the LLM is down."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from service.app import create_app
from service.llm_health import ModelsProbe
from tests.fake_assistant import GatedAssistant
from tests.service_support import StaticHealth, build_runtime, close_runtime, served_app
from tests.unit.conftest import make_campaign
from tools.services import Services

BRIEF = {"messages": [{"role": "user", "content": "保温杯满300减50"}]}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def gated_app(tmp_path: Path, services: Services) -> Iterator[tuple[httpx.AsyncClient, GatedAssistant, str]]:
    gated = GatedAssistant()
    runtime = build_runtime(
        tmp_path / "home",
        services,
        assistant=gated,
        service_max_jobs=1,
        service_queue=1,
        service_queue_timeout_s=30,
        service_retry_after_s=7,
    )
    key = runtime.keys.add("alice", "marketer")
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://test")
    yield client, gated, key
    close_runtime(runtime)


async def until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.01)


@pytest.mark.anyio
async def test_past_slots_and_queue_the_answer_is_429_at_once(
    gated_app: tuple[httpx.AsyncClient, GatedAssistant, str],
) -> None:
    client, gated, key = gated_app
    headers = {"Authorization": f"Bearer {key}"}
    running = asyncio.create_task(client.post("/v1/chat/completions", json=BRIEF, headers=headers))
    await until(lambda: gated.started == 1)
    queued = asyncio.create_task(client.post("/v1/chat/completions", json=BRIEF, headers=headers))
    await asyncio.sleep(0.05)  # let it reach the queue
    async with asyncio.timeout(2):  # refused immediately, not after a timeout
        refused = await client.post("/v1/chat/completions", json=BRIEF, headers=headers)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "7"
    assert "1 running and 1 waiting" in refused.json()["detail"]
    gated.gate.set()
    assert (await running).status_code == 200
    assert (await queued).status_code == 200
    metrics = (await client.get("/metrics")).text
    assert 'promo_rejected_total{pool="jobs",reason="full"} 1.0' in metrics
    assert 'promo_jobs_running{pool="jobs"} 0.0' in metrics


@pytest.mark.anyio
async def test_a_queued_request_that_waits_too_long_gets_429(tmp_path: Path, services: Services) -> None:
    gated = GatedAssistant()
    runtime = build_runtime(
        tmp_path / "home", services, assistant=gated, service_max_jobs=1, service_queue=4, service_queue_timeout_s=0.2
    )
    headers = {"Authorization": f"Bearer {runtime.keys.add('alice', 'marketer')}"}
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        running = asyncio.create_task(client.post("/v1/chat/completions", json=BRIEF, headers=headers))
        await until(lambda: gated.started == 1)
        waited = await client.post("/v1/chat/completions", json=BRIEF, headers=headers)
        gated.gate.set()
        assert (await running).status_code == 200
    close_runtime(runtime)
    assert waited.status_code == 429 and "Retry-After" in waited.headers
    assert "no slot freed within 0.2 s" in waited.json()["detail"]


def test_llm_down_is_503_with_retry_after(tmp_path: Path, services: Services) -> None:
    down = StaticHealth("LLM server unreachable: ConnectError")
    with served_app(tmp_path / "home", services, health=down, service_retry_after_s=11) as served:
        chat = served.client.post("/v1/chat/completions", json=BRIEF, headers=served.auth())
        promo = served.client.post(
            "/v1/promotions",
            json={"user_id": "u-zh-1", "campaign": make_campaign().model_dump(mode="json")},
            headers=served.auth(),
        )
        ready = served.client.get("/readyz", headers=served.auth())
        alive = served.client.get("/healthz")
    for response in (chat, promo, ready):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "11"
    assert "unreachable" in chat.json()["detail"]
    assert ready.json()["llm"].startswith("LLM server unreachable")
    assert set(ready.json()["stores"].values()) == {"ok"}
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}  # liveness: the process answers


def test_healthz_is_liveness_only_no_key_and_nothing_internal(tmp_path: Path, services: Services) -> None:
    down = StaticHealth("LLM server unreachable: ConnectError")
    with served_app(tmp_path / "home", services, health=down) as served:
        response = served.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "127.0.0.1" not in response.text and "LLM" not in response.text


def test_readyz_is_ok_when_everything_answers(tmp_path: Path, services: Services) -> None:
    with served_app(tmp_path / "home", services) as served:
        response = served.client.get("/readyz", headers=served.auth())
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "llm": "ok",
        "llm_url": None,
        "stores": dict.fromkeys(["shop", "history", "runs", "feedback", "keys", "checkpoints"], "ok"),
    }


def test_readyz_needs_a_key_and_shows_the_llm_url_to_admins_only(tmp_path: Path, services: Services) -> None:
    with served_app(tmp_path / "home", services) as served:
        anonymous = served.client.get("/readyz")
        marketer = served.client.get("/readyz", headers=served.auth())
        admin = served.client.get("/readyz", headers=served.auth(served.admin))
    assert anonymous.status_code == 401
    assert "127.0.0.1" not in marketer.text and marketer.json()["llm_url"] is None
    assert admin.json()["llm_url"] == "http://127.0.0.1:9/v1"


def test_readyz_reports_a_closed_store(tmp_path: Path, services: Services) -> None:
    with served_app(tmp_path / "home", services) as served:
        served.runtime.feedback.close()
        response = served.client.get("/readyz", headers=served.auth())
        served.runtime.feedback = type(served.runtime.feedback)(tmp_path / "again.sqlite")  # for teardown
    assert response.status_code == 503
    assert response.json()["stores"]["feedback"] != "ok"


@pytest.mark.anyio
async def test_models_probe_reads_the_models_route_and_caches_its_verdict() -> None:
    calls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200 if len(calls) == 1 else 503, json={"data": [{"id": "m"}]})

    probe = ModelsProbe("http://llm/v1/", "k", 1.0, ttl_s=60, transport=httpx.MockTransport(answer))
    assert await probe.problem() is None
    assert await probe.problem() is None  # cached: one call
    assert calls == ["http://llm/v1/models"]
    fresh = ModelsProbe("http://llm/v1", "k", 1.0, ttl_s=0, transport=httpx.MockTransport(answer))
    problem = await fresh.problem() or ""
    assert "answered 503" in problem and "http://llm" not in problem  # marketers read it: no internal URL
    await probe.aclose()
    await fresh.aclose()


@pytest.mark.anyio
async def test_models_probe_reports_a_refused_connection() -> None:
    probe = ModelsProbe("http://127.0.0.1:9/v1", "k", 1.0)  # the discard port: nothing listens
    problem = await probe.problem()
    await probe.aclose()
    assert problem is not None and "unreachable" in problem
