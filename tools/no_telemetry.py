"""Telemetry and tracing off in every dependency that has a switch, set before any of them is imported.

Nothing leaves the machine: LangSmith tracing (LangChain/LangGraph) would send prompts and outputs to a cloud
service when a user's environment turns it on; FastAPI's OpenTelemetry would export spans when told to by
the environment; Ray reports usage; Hugging Face libraries would reach the hub. Chroma's telemetry is
switched off where its client is built (tools/stores/chroma.py). These are forced, not defaults: an
inherited environment variable must not turn an outside call on.
"""

from __future__ import annotations

import os

SWITCHES: dict[str, str] = {
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "LANGSMITH_TRACING_V2": "false",
    "FASTAPI_OTEL_AUTO_CONFIGURE": "false",
    "RAY_USAGE_STATS_ENABLED": "0",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "DO_NOT_TRACK": "1",
}


def switch_off() -> None:
    """Set every switch in this process's environment (children inherit it)."""
    os.environ.update(SWITCHES)
