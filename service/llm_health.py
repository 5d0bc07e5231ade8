"""Is the LLM server reachable? A cached probe of `GET {base_url}/models`, so a burst of requests costs one.

A verdict never names the server's URL: it reaches marketers in 503 details; admins read the URL in /readyz.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

import httpx


class LLMHealth(Protocol):
    """Answers whether the model endpoint can take work now."""

    async def problem(self) -> str | None:
        """None when the endpoint is reachable, else why it is not."""
        ...

    async def aclose(self) -> None:
        """Release what the probe holds."""
        ...


class ModelsProbe:
    """Probes the OpenAI-compatible `/models` route; a verdict is reused for `ttl_s` seconds."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout_s: float,
        *,
        ttl_s: float = 2.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._url = f"{base_url.rstrip('/')}/models"
        self._headers = {"Authorization": f"Bearer {api_key}"}
        self._timeout_s, self._ttl_s, self._transport = timeout_s, ttl_s, transport
        self._client: httpx.AsyncClient | None = None
        self._lock = asyncio.Lock()
        self._checked_at = float("-inf")
        self._verdict: str | None = None

    async def problem(self) -> str | None:
        """None when the endpoint answered 200 recently, else the reason it did not."""
        async with self._lock:  # concurrent callers share one probe
            if time.monotonic() - self._checked_at < self._ttl_s:
                return self._verdict
            self._verdict = await self._probe()
            self._checked_at = time.monotonic()
            return self._verdict

    async def _probe(self) -> str | None:
        if self._client is None:  # built on first use, inside the serving event loop, then reused
            self._client = httpx.AsyncClient(timeout=self._timeout_s, transport=self._transport)
        try:
            response = await self._client.get(self._url, headers=self._headers)
        except httpx.HTTPError as error:
            return f"LLM server unreachable: {type(error).__name__}"
        if response.status_code != 200:
            return f"LLM server answered {response.status_code} (loading or overloaded)"
        return None

    async def aclose(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
