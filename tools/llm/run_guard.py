"""A run's guard: stops a graph run at its next step once cancelled, and notices when the LLM is unreachable.

Passed as a LangChain callback, it sees the start of every node and model call and every error: a
cancelled guard (the HTTP client left, the service is draining) raises `RunCancelled` at the next start, so
no further LLM call is made; with `stop_on_outage`, a connection error or timeout from the LLM server makes
the next start raise `LLMUnavailable` instead of retrying against a dead server and ending in template copy.
A model call already in flight runs to its end: the guard acts between steps.
"""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from openai import APIConnectionError


class RunCancelled(Exception):
    """The run was cancelled: its client went away or the service is shutting down."""


class LLMUnavailable(Exception):
    """The LLM server could not be reached during the run (connection refused, reset or timed out)."""


class RunGuard(BaseCallbackHandler):
    """Cancellation and outage detection for one run (a chat turn, a promotion), shared by its threads."""

    raise_error = True
    """Exceptions raised here stop the run (LangChain swallows a handler's errors otherwise)."""
    run_inline = True
    """Checked in the thread that makes the call, before it is made."""

    def __init__(self, *, stop_on_outage: bool = False) -> None:
        self.stop_on_outage = stop_on_outage
        self._cancelled = threading.Event()
        self._why = ""
        self.outage: str | None = None
        """The first connection error seen, as ``ErrorType``: never shown to users (it may name a URL)."""

    def cancel(self, why: str) -> None:
        """Stop the run at its next step; the first reason is kept."""
        if not self._cancelled.is_set():
            self._why = why
            self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """Whether `cancel` was called."""
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise RunCancelled, or LLMUnavailable after an outage when told to stop on one."""
        if self._cancelled.is_set():
            raise RunCancelled(self._why)
        if self.stop_on_outage and self.outage is not None:
            raise LLMUnavailable(self.outage)

    def _note(self, error: BaseException) -> None:
        if isinstance(error, APIConnectionError) and self.outage is None:  # timeouts are connection errors too
            self.outage = type(error).__name__

    def on_chain_start(self, serialized: dict[str, Any], inputs: dict[str, Any], **kwargs: Any) -> None:
        """A node or runnable starts."""
        self.check()

    def on_chat_model_start(self, serialized: dict[str, Any], messages: list[list[Any]], **kwargs: Any) -> None:
        """A chat model call starts."""
        self.check()

    def on_llm_start(self, serialized: dict[str, Any], prompts: list[str], **kwargs: Any) -> None:
        """A completion model call starts."""
        self.check()

    def on_chain_error(self, error: BaseException, **kwargs: Any) -> None:
        """A node or runnable failed."""
        self._note(error)

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        """A model call failed."""
        self._note(error)
