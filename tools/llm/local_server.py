"""The embedded llama.cpp server (via ``xllamacpp``), serving an OpenAI-compatible API on loopback.

``xllamacpp.Server(params)`` loads the model on its own thread and returns once the model is loaded
and the HTTP listener is up; it has no ``stop()``: destroying the object terminates the serving loop,
closes the port and frees the model. So ``stop()`` drops the only reference and collects it.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
import xllamacpp

_POLL_S = 0.2


class LocalLLMError(RuntimeError):
    """The embedded LLM server failed to start; the message says what to check."""


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class LocalLLMServer:
    """One embedded llama.cpp server: ``with LocalLLMServer(path, "name") as srv: use(srv.base_url)``."""

    def __init__(
        self,
        model_path: Path,
        model_name: str,
        *,
        n_parallel: int = 4,
        ctx_per_slot: int = 2048,
        threads: int = 0,
        repeat_penalty: float = 1.1,
        start_timeout_s: float = 120.0,
        verbosity: int = 0,
        port: int = 0,
    ) -> None:
        """Configure the server; nothing starts until ``start()``.

        ``threads=0`` uses every usable core; ``port=0`` lets the OS pick a free port (a supervised process
        passes a fixed one, kept over restarts).
        """
        self._model_path = model_path
        self._model_name = model_name
        self._n_parallel = n_parallel
        self._ctx_per_slot = ctx_per_slot
        self._threads = threads or _cpu_count()
        self._repeat_penalty = repeat_penalty
        self._start_timeout_s = start_timeout_s
        self._verbosity = verbosity
        self._port = port
        self._server: Any = None
        self._base_url: str | None = None

    @property
    def model_name(self) -> str:
        """The served model id (the alias that ``/v1/models`` lists and requests must name)."""
        return self._model_name

    @property
    def base_url(self) -> str:
        """OpenAI-compatible base URL, e.g. ``http://127.0.0.1:PORT/v1``; only valid after ``start()``."""
        if self._base_url is None:
            raise LocalLLMError("the embedded LLM server is not running: call start() first")
        return self._base_url

    def _params(self) -> Any:
        p = xllamacpp.CommonParams()
        p.model.path = str(self._model_path)
        p.model_alias = {self._model_name}
        p.n_parallel = self._n_parallel
        p.n_ctx = self._n_parallel * self._ctx_per_slot  # shared by the slots: each gets ctx_per_slot
        p.cpuparams.n_threads = self._threads
        p.cpuparams_batch.n_threads = self._threads
        p.hostnames = ["127.0.0.1"]
        p.port = self._port  # 0: the OS picks a free port, read back from listening_address (no race)
        p.offline = True  # never reach a model hub
        p.ui = False
        p.ui_mcp_proxy = False
        p.endpoint_metrics = False
        p.cache_ram_mib = 512  # host-RAM prompt cache; the default 8 GiB is too much for a shared box
        p.sampling.penalty_repeat = self._repeat_penalty  # server default when a request sends none
        p.verbosity = self._verbosity
        return p

    def start(self) -> None:
        """Load the model and wait until ``/v1/models`` answers 200; raises LocalLLMError otherwise."""
        if self._server is not None:
            return
        if not self._model_path.is_file():
            raise LocalLLMError(f"model file {self._model_path} does not exist: run ensure_weights() first")
        t0, loading = time.monotonic(), Future[Any]()
        threading.Thread(target=_load, args=(self._params(), loading), name="llm-server-load", daemon=True).start()
        try:
            self._server = loading.result(timeout=self._start_timeout_s)
        except TimeoutError:  # nothing keeps the late server alive: it is freed as soon as it finishes loading
            raise LocalLLMError(
                f"the embedded LLM server did not load {self._model_path.name} within "
                f"{self._start_timeout_s:.0f}s; the machine may be overloaded"
            ) from None
        except Exception as exc:
            raise LocalLLMError(
                f"the embedded LLM server failed to start with {self._model_path} ({exc}); "
                "check the file is a valid GGUF (delete it to rebuild) and that memory is free"
            ) from exc
        self._base_url = str(self._server.listening_address).rstrip("/") + "/v1"
        remaining = self._start_timeout_s - (time.monotonic() - t0)
        try:
            self._wait_ready(max(remaining, 5.0))
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        status: int | str = "no answer"
        while time.monotonic() < deadline:
            try:
                status = httpx.get(f"{self.base_url}/models", timeout=5.0).status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            if status == 200:
                return
            time.sleep(_POLL_S)
        raise LocalLLMError(f"{self.base_url}/models did not become ready within {timeout_s:.0f}s (last: {status})")

    def stop(self) -> None:
        """Stop serving: drop the server so its destructor ends the loop, closes the port and frees the model."""
        server, self._server, self._base_url = self._server, None, None
        if server is not None:
            del server
            gc.collect()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def _load(params: Any, result: Future[Any]) -> None:
    """Build the server on a loading thread: ``xllamacpp.Server`` blocks until the model is loaded."""
    try:
        result.set_result(xllamacpp.Server(params))
    except Exception as exc:  # handed to start(), which raises it as LocalLLMError
        result.set_exception(exc)
