"""Run a campaign: select the audience once, then write/review/target each selected user concurrently.

Exactly-once and resumable: the audience and the clock are fixed when the run is created; each user's
graph run is checkpointed under thread `<run_id>:<user_id>`; each finished user is committed to the run
store. Restarting a killed run skips finished users, continues half-finished graph runs from their last
checkpoint, and starts the rest, so the final plan has every selected user exactly once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import RunnableConfig

from agents.context import Context
from agents.state import PromotionOutput
from campaign.audience import AudienceChoice, select_audience
from campaign.store import RunInfo, RunStore
from domain.decision import PromotionResult
from domain.offer import Campaign
from graphs.batch import AwaitingApproval, run_one
from graphs.promotion import PromotionGraph
from tools.services import Services
from tools.thread_ids import run_thread_id


@dataclass(frozen=True)
class UserDone:
    """One finished user, for progress displays."""

    user_id: str
    ok: bool
    seconds: float


def start_run(
    store: RunStore,
    run_id: str,
    campaign: Campaign,
    candidates: Sequence[str],
    services: Services,
    clock: datetime,
    progress: Callable[[int, int], None] | None = None,
    holdout_share: float = 0.0,
) -> tuple[RunInfo, AudienceChoice | None]:
    """Create the run with its audience, or return the existing one untouched (a resume).

    A seeded `holdout_share` of the selected audience gets no message, so the effect can be measured.
    """
    if not 0.0 <= holdout_share < 1.0:
        raise ValueError(f"holdout_share must be in [0, 1), got {holdout_share}")
    existing = store.get(run_id)
    if existing is not None:
        if existing.campaign != campaign:
            raise ValueError(f"run {run_id!r} exists with a different campaign; use a new --run-id")
        return existing, None
    choice = select_audience(services, campaign, candidates, clock, progress)
    holdout = frozenset(uid for uid in choice.selected if _unit_hash(f"{run_id}:{uid}") < holdout_share)
    return store.create(run_id, campaign, clock, choice.selected, holdout), choice


def _unit_hash(key: str) -> float:
    """A stable uniform draw in [0, 1) per key: the same user lands in the same arm on every resume."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2**64


def _finish_user(
    user_id: str, info: RunInfo, context: Context, compiled: PromotionGraph, callbacks: list[BaseCallbackHandler]
) -> PromotionResult:
    config: RunnableConfig = {
        "configurable": {"thread_id": run_thread_id(info.run_id, user_id)},
        "callbacks": callbacks,
    }
    snapshot = compiled.get_state(config)
    if snapshot.values and not snapshot.next:  # finished before the kill: reuse, never redo
        result = PromotionOutput.model_validate(snapshot.values).result
        if result is not None:
            return result
    if snapshot.next:  # stopped midway: continue from the last checkpoint
        output = PromotionOutput.model_validate(compiled.invoke(None, config=config, context=context))
        if output.result is None:
            raise RuntimeError(f"resumed run for {user_id!r} ended without a result")
        return output.result
    return run_one(
        user_id,
        info.campaign,
        context,
        callbacks=callbacks,
        compiled=compiled,
        thread_id=config["configurable"]["thread_id"],
    )


def process_run(
    store: RunStore,
    info: RunInfo,
    context: Context,
    compiled: PromotionGraph,
    *,
    concurrency: int,
    callbacks: list[BaseCallbackHandler] | None = None,
    on_done: Callable[[UserDone], None] | None = None,
) -> None:
    """Process every pending user of a run, committing each as it finishes."""
    process_users(
        store,
        info,
        context,
        compiled,
        store.pending(info.run_id),
        concurrency=concurrency,
        callbacks=callbacks,
        on_done=on_done,
    )


def process_users(
    store: RunStore,
    info: RunInfo,
    context: Context,
    compiled: PromotionGraph,
    user_ids: Sequence[str],
    *,
    concurrency: int,
    callbacks: list[BaseCallbackHandler] | None = None,
    on_done: Callable[[UserDone], None] | None = None,
) -> list[UserDone]:
    """Process some pending users of a run (a whole run, or one scale-out batch), committing each as it finishes."""
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")

    def work(user_id: str) -> UserDone:
        started = time.perf_counter()
        try:
            result = _finish_user(user_id, info, context, compiled, callbacks or [])
        except AwaitingApproval as paused:
            store.finish(info.run_id, user_id, None, f"awaiting approval: {paused.thread_id}", 0.0)
            return UserDone(user_id, False, time.perf_counter() - started)
        except (KeyError, ValueError, RuntimeError) as error:  # one bad user must not stop the run
            store.finish(info.run_id, user_id, None, f"{type(error).__name__}: {error}", 0.0)
            return UserDone(user_id, False, time.perf_counter() - started)
        seconds = time.perf_counter() - started
        store.finish(info.run_id, user_id, result, None, seconds)
        return UserDone(user_id, True, seconds)

    finished: list[UserDone] = []
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="campaign-user") as pool:
        for future in as_completed([pool.submit(work, uid) for uid in user_ids]):
            done = future.result()
            finished.append(done)
            if on_done is not None:
                on_done(done)
    return finished
