"""The chat stream under faults: an LLM outage mid-stream ends in an error event; a client that leaves stops the work.

Real chat graph, scripted models; no sleeps: a model call blocks on an event the test controls.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from pydantic import BaseModel

from domain.brief import BriefDraft
from graphs.chat import TURN_ERROR
from service.assistant import production_assistant
from tests.fakes import ScriptedChatModel, llm_down
from tests.service_support import build_runtime, close_runtime, serve, served_app
from tests.unit.conftest import NOW, good_slots
from tools.services import Services
from tools.settings import Settings

BRIEF = {"role": "user", "content": "给最近浏览过保温杯的用户写两条双十一推送，满300减50"}
WAIT_S = 30.0
"""A bound on every wait below, so a broken build fails instead of hanging; nothing sleeps."""


def writer_of(services: Services) -> ScriptedChatModel:
    writer = services.writer_model
    assert isinstance(writer, ScriptedChatModel)
    writer.script(BriefDraft, default=BriefDraft(offer_kind="none"))  # the patterns read the brief alone
    return writer


def one_user_at_a_time(home: Path, services: Services) -> Any:
    """The production assistant writing for one sampled user at a time: calls come in a fixed order."""
    return production_assistant(Settings(_env_file=None, home=home, embedded_parallel=1), services, clock=lambda: NOW)


def test_an_llm_outage_mid_stream_ends_with_an_error_event_not_template_cards(
    tmp_path: Path, services: Services
) -> None:
    writer = writer_of(services)
    calls: list[str] = []

    def first_then_down(schema: type[BaseModel]) -> dict[str, Any]:
        calls.append(schema.__name__)
        if len(calls) > 1:  # the server went away after the first user's copy
            raise llm_down()
        return good_slots(schema)

    writer.script("SlotBatch", default=first_then_down)
    assistant = one_user_at_a_time(tmp_path, services)
    with (
        served_app(tmp_path / "home", services, assistant=assistant) as served,
        served.client.stream(
            "POST", "/v1/chat/completions", json={"stream": True, "messages": [BRIEF]}, headers=served.auth()
        ) as response,
    ):
        lines = [line for line in response.iter_lines() if line]
        running = served.client.app.state.service.jobs.running  # type: ignore[attr-defined]
    payloads = [json.loads(line.removeprefix("data: ")) for line in lines]
    events = [p["promo_event"] for p in payloads if "promo_event" in p]
    assert any(e["kind"] == "variant" for e in events), "the first user's copy was shown before the outage"
    assert payloads[-1] == {
        "error": {"message": TURN_ERROR["zh"]["llm_unavailable"], "type": "llm_unavailable", "code": None}
    }
    assert "data: [DONE]" not in lines and not any('"finish_reason":"stop"' in line for line in lines)
    variants = [e for e in events if e["kind"] == "variant"]
    assert all(v["data"]["source"] != "template" for v in variants), "no template card after the outage"
    assert "http" not in payloads[-1]["error"]["message"] and "127.0.0.1" not in lines[-1]
    assert calls == ["SlotBatch", "SlotBatch"], "no retry against a server that is gone"
    assert running == 0


def test_an_llm_outage_during_a_whole_turn_is_503_with_retry_after_not_500(tmp_path: Path, services: Services) -> None:
    writer = writer_of(services)
    writer.script("SlotBatch", default=lambda _schema: (_ for _ in ()).throw(llm_down()))  # the server is gone
    assistant = one_user_at_a_time(tmp_path, services)
    with served_app(tmp_path / "home", services, assistant=assistant) as served:
        served.client = TestClient(served.client.app, raise_server_exceptions=False)  # a 500 must show as a 500
        response = served.client.post("/v1/chat/completions", json={"messages": [BRIEF]}, headers=served.auth())
        running = served.client.app.state.service.jobs.running  # type: ignore[attr-defined]
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["detail"] == TURN_ERROR["zh"]["llm_unavailable"]
    assert "127.0.0.1" not in response.text
    assert running == 0, "the slot is free again"


def _scope(path: str, key: str, body: bytes) -> dict[str, Any]:
    headers = [
        (b"host", b"testserver"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"authorization", f"Bearer {key}".encode()),
    ]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},  # as uvicorn serves it
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


async def leave_during_the_first_call(
    app: Any, scope: dict[str, Any], body: bytes, in_call: threading.Event, after: Callable[[], None]
) -> None:
    """Send the request, disconnect as soon as the first model call has started, call `after` once the app
    answered (the loop's worker threads must be free before it closes)."""
    gone = asyncio.Event()
    inbox = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if inbox:
            return inbox.pop(0)
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        """The client reads nothing: it is about to leave."""

    async def leave() -> None:
        assert await asyncio.get_running_loop().run_in_executor(None, in_call.wait, WAIT_S)
        gone.set()

    leaving = asyncio.create_task(leave())
    try:
        await asyncio.wait_for(app(scope, receive, send), WAIT_S)
        await leaving
    finally:
        after()


def test_a_client_that_leaves_mid_stream_stops_the_turn_and_frees_its_slot(tmp_path: Path, services: Services) -> None:
    writer = writer_of(services)
    calls: list[str] = []
    in_call, release = threading.Event(), threading.Event()

    def slow(schema: type[BaseModel]) -> dict[str, Any]:
        calls.append(schema.__name__)
        if len(calls) == 1:  # the first user's copy takes until the test lets it go
            in_call.set()
            assert release.wait(WAIT_S)
        return good_slots(schema)

    writer.script("SlotBatch", default=slow)
    runtime = build_runtime(tmp_path / "home", services, assistant=one_user_at_a_time(tmp_path, services))
    served = serve(runtime)
    app = served.client.app
    try:
        body = json.dumps({"stream": True, "messages": [BRIEF]}).encode()
        scope = _scope("/v1/chat/completions", served.marketer, body)
        at_disconnect: list[int] = []

        def answered() -> None:
            at_disconnect.append(len(calls))
            release.set()  # the call in flight ends; nothing after it may start

        asyncio.run(leave_during_the_first_call(app, scope, body, in_call, answered))
        for worker in [t for t in threading.enumerate() if t.name.startswith("promo-user")]:
            worker.join(WAIT_S)
        assert at_disconnect == [1]
        assert calls == ["SlotBatch"], "no model call after the client left"
        assert app.state.service.jobs.running == 0, "the stream gave its slot back"  # type: ignore[attr-defined]
    finally:
        release.set()
        close_runtime(runtime)
