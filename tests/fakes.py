"""Scripted fake chat model for unit tests: supports with_structured_output and records every prompt."""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from typing import Any

import httpx
from langchain_core.callbacks import CallbackManager, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult, LLMResult
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda
from openai import APIConnectionError, APITimeoutError
from pydantic import BaseModel, Field, PrivateAttr


def llm_timeout() -> APITimeoutError:
    """A timeout as the openai client raises it: the library reads the request it was given."""
    return APITimeoutError(request=httpx.Request("POST", "http://127.0.0.1/v1/chat/completions"))


def llm_down() -> APIConnectionError:
    """A refused or reset connection as the openai client raises it (the LLM server is gone)."""
    return APIConnectionError(request=httpx.Request("POST", "http://127.0.0.1/v1/chat/completions"))


STREAM_PIECE = 3
"""Characters per token when the scripted answer is streamed to a handler."""


def _stream_to_handlers(text: str, messages: list[BaseMessage], config: RunnableConfig) -> None:
    """Report `text` token by token as a chat model does when a streaming handler is attached.

    A real chat model streams when a handler has `tap_output_iter` (langchain_core's `_should_stream`); the
    chat page's draft streamer (agents/draft_stream.py) is one. Without such a handler nothing is reported.
    """
    manager = CallbackManager.configure(config.get("callbacks"), inheritable_metadata=config.get("metadata"))
    if not any(hasattr(h, "tap_output_iter") for h in manager.handlers):
        return
    run = manager.on_chat_model_start({}, [messages])[0]
    for start in range(0, len(text), STREAM_PIECE):
        run.on_llm_new_token(text[start : start + STREAM_PIECE])
    run.on_llm_end(LLMResult(generations=[[ChatGeneration(message=AIMessage(content=text))]]))


class ScriptedChatModel(BaseChatModel):
    """Returns scripted pydantic objects per output schema, in order; raises when a script runs dry.

    A script entry may be an Exception instance: it is raised, to simulate a failed generation. Schemas built
    per request (the copywriter's slot batches) are scripted by name, with a dict or a function of the schema:
    the answer is validated against the schema, as the server's grammar would enforce it.
    """

    _scripts: dict[type[BaseModel] | str, deque[Any]] = PrivateAttr(default_factory=lambda: defaultdict(deque))
    _default: dict[type[BaseModel] | str, Any] = PrivateAttr(default_factory=dict)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    calls: list[tuple[str, list[BaseMessage]]] = Field(default_factory=list)

    def script(self, schema: type[BaseModel] | str, *outputs: Any, default: Any = None) -> ScriptedChatModel:
        """Queue outputs for a schema; `default` answers once the queue is empty."""
        self._scripts[schema].extend(outputs)
        if default is not None:
            self._default[schema] = default
        return self

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls.append(("text", messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="ok"))])

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Runnable[Any, Any]:  # type: ignore[override]
        def answer(messages: list[BaseMessage], config: RunnableConfig) -> Any:
            with self._lock:
                self.calls.append((schema.__name__, list(messages)))
                key = schema if schema in self._scripts or schema in self._default else schema.__name__
                queue = self._scripts[key]
                output = queue.popleft() if queue else self._default.get(key)
            if output is None:
                raise AssertionError(f"no scripted output left for {schema.__name__}")
            if isinstance(output, Exception):
                raise output
            if callable(output):
                output = output(schema)
            parsed = schema.model_validate(output) if isinstance(output, dict) else output
            _stream_to_handlers(parsed.model_dump_json(), messages, config)
            return parsed

        return RunnableLambda(answer)

    def prompts_text(self) -> str:
        """Every message this model was sent, joined: for privacy assertions."""
        return "\n".join(str(m.content) for _, messages in self.calls for m in messages)
