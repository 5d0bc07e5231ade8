"""The process's default Services, for the graphs langgraph.json registers (``langgraph dev``, LangGraph Studio).

The LangGraph server cannot send clients in a run's context, so the served graphs' contexts (graphs/served.py)
resolve them here on first read: settings from the environment, the LLM endpoint (the embedded model
is started unless ``PROMO_LLM_BASE_URL`` is set), then the stores. Nothing happens at import time; the
first node that reads ``runtime.context.services`` pays the start-up once, in its worker thread (never on
the server's event loop), and the endpoint is stopped when the process exits.
"""

from __future__ import annotations

import atexit
import threading
from contextlib import ExitStack

from tools.llm.chat_model import llm_endpoint
from tools.services import Services, open_services
from tools.settings import get_settings


class _ProcessServices:
    """Builds the default bundle once, under a lock, and keeps the endpoint open until exit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._services: Services | None = None
        self._stack = ExitStack()

    def get(self) -> Services:
        with self._lock:
            if self._services is None:
                settings = get_settings()
                with ExitStack() as stack:  # a failed start closes whatever did start
                    endpoint = stack.enter_context(llm_endpoint(settings))
                    services = open_services(settings, endpoint)
                    stack.callback(services.close)
                    self._stack = stack.pop_all()
                atexit.register(self.close)
                self._services = services
            return self._services

    def close(self) -> None:
        with self._lock:
            self._services = None
            self._stack.close()


_DEFAULT = _ProcessServices()


def process_services() -> Services:
    """The process-wide default Services, built on first call."""
    return _DEFAULT.get()


def close_process_services() -> None:
    """Close the default Services (stops the embedded model); the next call builds them again."""
    _DEFAULT.close()
