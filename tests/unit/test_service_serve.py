"""`promo serve` as a process: the production lifespan opens the runtime against an OpenAI-compatible endpoint,
serves, audits to its log, and closes everything on SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fake_openai_server import MODEL, FakeReplica
from tools.llm.supervisor import free_loopback_port

ROOT = Path(__file__).parents[2]


def test_promo_serve_starts_serves_and_stops_cleanly(tmp_path: Path) -> None:
    promo = Path(sys.executable).parent / "promo"
    port = free_loopback_port()
    with FakeReplica() as replica:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PROMO_HOME": str(tmp_path),
            "PROMO_LLM_BASE_URL": replica.base_url,
            "PROMO_LLM_MODEL": MODEL,
        }
        key = subprocess.run(
            [promo, "service", "key", "add", "--name", "smoke"], env=env, capture_output=True, text=True, check=True
        ).stdout.splitlines()[0]
        server = subprocess.Popen(
            [promo, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            base, deadline, health = f"http://127.0.0.1:{port}", time.monotonic() + 90, None
            while health is None or health.status_code != 200:
                assert server.poll() is None and time.monotonic() < deadline, "promo serve did not come up"
                time.sleep(0.2)
                try:
                    health = httpx.get(f"{base}/readyz", headers={"Authorization": f"Bearer {key}"}, timeout=5)
                except httpx.TransportError:
                    continue
            models = httpx.get(f"{base}/v1/models", headers={"Authorization": f"Bearer {key}"}, timeout=5)
            page = httpx.get(base, timeout=5)
        finally:
            server.send_signal(signal.SIGINT)
            output, _ = server.communicate(timeout=60)
    assert health.json()["status"] == "ok"
    assert models.status_code == 200 and page.status_code == 200
    assert server.returncode == 0, output
    assert f"using {MODEL} at {replica.base_url}" in output
    assert "smoke marketer GET /v1/models -> 200" in output, "every request is audited in the log"
    assert "Application shutdown complete" in output
