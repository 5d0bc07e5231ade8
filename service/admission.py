"""Admission control: a bounded number of jobs at once, a small wait queue, and 429 beyond it.

A request past the queue is refused at once with Retry-After, never left to time out; one that waited its
full `wait_s` in the queue is refused the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import HTTPException, status

from service.metrics import ServiceMetrics


class Slot:
    """A held place in a pool; `release()` may be called more than once."""

    def __init__(self, pool: Admission) -> None:
        self._pool: Admission | None = pool

    def release(self) -> None:
        """Give the place back (the first call counts)."""
        if self._pool is not None:
            self._pool._release()
            self._pool = None


class Admission:
    """At most `limit` jobs running and `queue` waiting; all counters live on the event loop thread."""

    def __init__(
        self, pool: str, limit: int, queue: int, wait_s: float, retry_after_s: int, metrics: ServiceMetrics
    ) -> None:
        if limit < 1 or queue < 0 or wait_s <= 0:
            raise ValueError(f"admission needs limit >= 1, queue >= 0, wait_s > 0; got {limit}, {queue}, {wait_s}")
        self.pool, self.limit, self.queue, self.wait_s, self.retry_after_s = pool, limit, queue, wait_s, retry_after_s
        self._free = asyncio.Semaphore(limit)
        self._running = 0
        self._waiting = 0
        self._metrics = metrics

    def _busy(self, reason: str, detail: str) -> HTTPException:
        self._metrics.rejected.labels(self.pool, reason).inc()
        return HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"{detail}; retry in {self.retry_after_s} s",
            headers={"Retry-After": str(self.retry_after_s)},
        )

    async def acquire(self) -> Slot:
        """Take a slot, waiting in the queue if there is room; raise 429 when there is none."""
        if self._running >= self.limit and self._waiting >= self.queue:
            raise self._busy("full", f"{self.pool}: {self.limit} running and {self.queue} waiting, the most allowed")
        self._waiting += 1
        self._metrics.jobs_waiting.labels(self.pool).inc()
        try:
            await asyncio.wait_for(self._free.acquire(), timeout=self.wait_s)
        except TimeoutError:
            raise self._busy("queue_timeout", f"{self.pool}: no slot freed within {self.wait_s:g} s") from None
        finally:
            self._waiting -= 1
            self._metrics.jobs_waiting.labels(self.pool).dec()
        self._running += 1
        self._metrics.jobs_running.labels(self.pool).inc()
        return Slot(self)

    def _release(self) -> None:
        self._running -= 1
        self._metrics.jobs_running.labels(self.pool).dec()
        self._free.release()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for the body of an `async with`."""
        held = await self.acquire()
        try:
            yield
        finally:
            held.release()

    @property
    def running(self) -> int:
        """Jobs holding a slot now."""
        return self._running
