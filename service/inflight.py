"""Work in flight: each LLM-bound request's run guard, cancelled when its client leaves or shutdown's grace ends.

`guarded` runs a request's blocking graph work in a worker thread beside a watcher of the connection: a
client that disconnects, or a request task cancelled by the server, cancels the run's guard, so the graph
stops before its next model call (tools/llm/run_guard.py) instead of using the LLM to the end. `drain`
waits for the work in flight at shutdown, at most a grace period (PROMO_SERVICE_DRAIN_S), then cancels
whatever is left.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import anyio
from starlette.requests import Request

from tools.llm.run_guard import RunGuard

T = TypeVar("T")


class InFlight:
    """The guards of the runs at work now; lives on the event loop's thread."""

    def __init__(self) -> None:
        self._guards: set[RunGuard] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    @contextmanager
    def track(self, guard: RunGuard) -> Iterator[RunGuard]:
        """Count `guard`'s run as in flight for the body of the `with`."""
        self._guards.add(guard)
        self._idle.clear()
        try:
            yield guard
        finally:
            self._guards.discard(guard)
            if not self._guards:
                self._idle.set()

    @property
    def count(self) -> int:
        """Runs in flight now."""
        return len(self._guards)

    async def drain(self, grace_s: float) -> int:
        """Wait until no run is in flight, at most `grace_s`; then cancel those left. Returns how many."""
        with anyio.move_on_after(grace_s):
            await self._idle.wait()
        left = list(self._guards)
        for guard in left:
            guard.cancel("the service is shutting down")
        return len(left)


async def _cancel_when_gone(request: Request, guard: RunGuard) -> None:
    """Cancel the guard when the client disconnects."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
    guard.cancel("the client went away")


async def guarded(request: Request, inflight: InFlight, guard: RunGuard, work: Callable[[], T]) -> T:
    """`work()` (which passes `guard` to its graph run) in a worker thread, tracked and watched.

    When the client leaves, the run stops at its next step and `work` raises RunCancelled; when the request
    task is cancelled (a server past its shutdown grace), the guard is cancelled and the thread left to stop.
    """
    with inflight.track(guard):
        watcher = asyncio.create_task(_cancel_when_gone(request, guard))
        try:
            return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except anyio.get_cancelled_exc_class():
            guard.cancel("the request was cancelled")
            raise
        finally:
            watcher.cancel()
