"""The graphs langgraph.json registers, for `langgraph dev` and LangGraph Studio.

The LangGraph server builds a run's context from JSON and cannot send clients, so these graphs' contexts
resolve `services` to the process default (tools/default_services.py) on first read: the embedded model
starts, in a node's worker thread, for the first run that needs it. Everywhere else a caller passes services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.context import ChatContext, Context
from graphs.chat import build_chat_graph
from graphs.promotion import build_graph
from tools import default_services
from tools.services import Services
from tools.services_field import ServicesField


def _process_default() -> Services:
    return default_services.process_services()  # looked up per call, so tests can stand in for it


@dataclass(kw_only=True)
class ServedContext(Context):
    """Context of the served promotion graph: services default to the process's own."""

    services: ServicesField = field(default=ServicesField(resolve=_process_default), repr=False, compare=False)


@dataclass(kw_only=True)
class ServedChatContext(ChatContext):
    """Context of the served chat graph: services default to the process's own."""

    services: ServicesField = field(default=ServicesField(resolve=_process_default), repr=False, compare=False)


promotion = build_graph(context_schema=ServedContext)
"""The promotion graph as langgraph.json registers it."""
chat = build_chat_graph(context_schema=ServedChatContext)
"""The chat graph as langgraph.json registers it."""
