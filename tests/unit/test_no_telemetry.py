"""Every telemetry and tracing switch is off in the process and in the children it starts, whatever the
environment said before: an inherited LANGSMITH_TRACING=true must not send prompts to a cloud service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tools.no_telemetry import SWITCHES


def test_switches_are_forced_off_even_when_the_environment_turns_them_on() -> None:
    env = {**os.environ, "LANGSMITH_TRACING": "true", "FASTAPI_OTEL_AUTO_CONFIGURE": "true", "HF_HUB_OFFLINE": "0"}
    env["PYTHONPATH"] = str(Path(__file__).parents[2])
    script = "import json, os, tools; print(json.dumps({k: os.environ.get(k) for k in tools.no_telemetry.SWITCHES}))"
    seen = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert seen.stdout.strip() == __import__("json").dumps(SWITCHES)


def test_langchain_sees_tracing_off() -> None:
    from langsmith.utils import tracing_is_enabled

    assert os.environ["LANGSMITH_TRACING"] == "false"
    assert not tracing_is_enabled()
