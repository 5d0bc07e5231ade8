"""The model's own process, supervised: killed for real (SIGKILL), it comes back on the same port, and the service
answers 503 with Retry-After while it is gone and serves again once it is back.

The child is the scripted OpenAI-compatible server run as a module (the real model's process is the same
supervisor with `tools.llm.embedded_process`: tests/integration/test_local_llm.py kills that one).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from service.llm_health import ModelsProbe
from tests.service_support import served_app
from tests.unit.conftest import make_campaign
from tools.llm.supervisor import SupervisedProcess, free_loopback_port
from tools.services import Services

WAIT_S = 30.0
"""A bound on every wait, so a broken supervisor fails the test instead of hanging it."""


def until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def answers(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/models", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def supervise(backoff_s: float) -> tuple[SupervisedProcess, str]:
    """The scripted server as a supervised child on a fixed free port (not started)."""
    port = free_loopback_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    command = [sys.executable, "-m", "tests.fake_openai_server", "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    ready = lambda: answers(base_url)  # noqa: E731
    return SupervisedProcess(command, ready, name="scripted model", first_backoff_s=backoff_s, env=env), base_url


def test_a_killed_model_process_is_restarted_on_the_same_port() -> None:
    supervised, base_url = supervise(backoff_s=0.2)
    with supervised:
        first = supervised.pid
        assert first is not None and answers(base_url)
        os.kill(first, signal.SIGKILL)
        until(lambda: supervised.restarts == 1 and answers(base_url))
        assert supervised.pid not in (None, first)
    assert supervised.pid is None and not answers(base_url), "stopped with the block"


def test_a_child_that_cannot_start_says_so_with_its_exit_status() -> None:
    failing = SupervisedProcess([sys.executable, "-c", "raise SystemExit(3)"], lambda: False, name="broken model")
    with pytest.raises(RuntimeError, match="broken model exited with status 3 before it was ready"):
        failing.start()
    failing.stop()


def test_the_service_answers_503_with_retry_after_while_the_model_is_down_then_serves(
    tmp_path: Path, services: Services
) -> None:
    supervised, base_url = supervise(backoff_s=3.0)  # an outage of at least 3 s: long enough to ask during it
    probe = ModelsProbe(base_url, "key", timeout_s=1.0, ttl_s=0.0)
    body = {"user_id": "u-zh-1", "campaign": make_campaign().model_dump(mode="json")}
    with supervised, served_app(tmp_path, services, health=probe) as served:  # type: ignore[arg-type]
        assert served.client.post("/v1/promotions", json=body, headers=served.auth()).status_code == 200
        first = supervised.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        until(lambda: not answers(base_url))
        down = served.client.post("/v1/promotions", json=body, headers=served.auth())
        assert supervised.restarts == 0, "the outage ended before the request: the check proves nothing"
        assert down.status_code == 503 and int(down.headers["Retry-After"]) > 0, down.text
        assert "127.0.0.1" not in down.text  # the verdict names no internal URL
        until(lambda: supervised.restarts == 1 and answers(base_url))
        assert served.client.post("/v1/promotions", json=body, headers=served.auth()).status_code == 200
