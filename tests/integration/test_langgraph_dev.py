"""`langgraph dev` serves both graphs of langgraph.json offline (no analytics, no version check, no model start)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.real_model import installed
from tools.llm.supervisor import free_loopback_port

ROOT = Path(__file__).parents[2]
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not installed("langgraph-cli"), reason="pip install -e '.[dev]' (langgraph-cli[inmem])"),
]
START_TIMEOUT_S = 90


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_loopback_port()
    env = {
        **os.environ,
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "LANGGRAPH_NO_VERSION_CHECK": "true",
        "PROMO_HOME": str(tmp_path_factory.mktemp("promo-home")),  # nothing may touch the real stores
    }
    log = (tmp_path_factory.mktemp("langgraph-dev") / "server.log").open("wb")
    cli = str(Path(sys.executable).parent / "langgraph")
    command = [cli, "dev", "--no-browser", "--no-reload", "--port", str(port)]
    # Graph paths in langgraph.json are relative to the working directory: run from the repository root.
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{base}/ok", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail(f"langgraph dev did not come up (exit {process.poll()}); see {log.name}")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_both_graphs_are_served(server: str) -> None:
    found = httpx.post(f"{server}/assistants/search", json={"limit": 10}, timeout=10).json()
    assert {a["graph_id"] for a in found} == {"promotion", "chat"}


@pytest.mark.parametrize(("graph_id", "field"), [("chat", "sample_size"), ("promotion", "n_variants")])
def test_context_schema_omits_the_clients(server: str, graph_id: str, field: str) -> None:
    found = httpx.post(f"{server}/assistants/search", json={"graph_id": graph_id}, timeout=10).json()
    schemas = httpx.get(f"{server}/assistants/{found[0]['assistant_id']}/schemas", timeout=30).json()
    properties = schemas["context_schema"]["properties"]
    assert field in properties and "services" not in properties
