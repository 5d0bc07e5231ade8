"""The process's default Services, for runs whose caller passes none (e.g. ``langgraph dev``, LangGraph Studio).

The LangGraph server cannot send clients in a run's context, so a context built without ``services``
resolves them here on first read: settings from the environment, the LLM endpoint (the embedded model
is started unless ``PROMO_LLM_BASE_URL`` is set), then the stores. Nothing happens at import time; the
first node that reads ``runtime.context.services`` pays the start-up once, in its worker thread (never on
the server's event loop), and the endpoint is stopped when the process exits.
"""

from __future__ import annotations

import atexit
import threading
from contextlib import ExitStack
from typing import Any, overload

from pydantic_core import PydanticOmit, core_schema

from tools.chat_model import llm_endpoint
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


class ServicesField:
    """A dataclass field holding Services; left unset, it resolves to `process_services()` when first read.

    Used as ``services: ServicesField = field(default=ServicesField(), repr=False, compare=False)`` in a
    context dataclass (repr and == would otherwise start the default bundle): callers still pass
    ``services=...``; the LangGraph server, which builds the context from JSON, leaves it unset. The field
    is left out of the context's JSON schema (clients cannot send it).
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self._attr = f"_{name}_value"

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> None: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> Services: ...
    def __get__(self, obj: object | None, objtype: type | None = None) -> Services | None:
        if obj is None:
            return None  # the dataclass default: "no services given"
        value: Services | None = getattr(obj, self._attr, None)
        if value is None:
            value = process_services()
            setattr(obj, self._attr, value)
        return value

    def __set__(self, obj: object, value: Services | ServicesField | None) -> None:
        # With field(default=ServicesField(), ...) the dataclass passes the descriptor itself as the default.
        setattr(obj, self._attr, None if isinstance(value, ServicesField) else value)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.any_schema()

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> Any:
        raise PydanticOmit
