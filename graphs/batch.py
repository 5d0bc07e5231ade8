"""Run the promotion graph over many users concurrently, with progress, keeping per-user failures."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import RunnableConfig

from domain.channels import Channel, Locale
from domain.decision import PromotionResult
from domain.offer import Campaign
from graphs.context import Context
from graphs.promotion import graph
from graphs.state import PromotionInput, PromotionOutput


@dataclass(frozen=True)
class UserOutcome:
    """One user's result, or the error that stopped their request (the others go on)."""

    user_id: str
    result: PromotionResult | None
    error: str | None = None
    seconds: float = 0.0
    """Wall time of this user's request, from start to result or error."""


def run_one(
    user_id: str,
    campaign: Campaign,
    context: Context,
    *,
    channel: Channel | None = None,
    locale: Locale | None = None,
    callbacks: list[BaseCallbackHandler] | None = None,
) -> PromotionResult:
    """Invoke the graph for one user and return the validated result."""
    request = PromotionInput(user_id=user_id, campaign=campaign, channel=channel, locale=locale)
    config: RunnableConfig = {"callbacks": callbacks or [], "run_name": "promotion"}
    output = PromotionOutput.model_validate(graph.invoke(request, config=config, context=context))
    if output.result is None:
        raise RuntimeError(f"graph ended without a result for user {user_id!r}")
    return output.result


def _timed(
    user_id: str, campaign: Campaign, context: Context, callbacks: list[BaseCallbackHandler] | None
) -> UserOutcome:
    started = time.perf_counter()
    try:
        result = run_one(user_id, campaign, context, callbacks=callbacks)
    except (KeyError, ValueError, RuntimeError) as error:  # one bad user must not sink the batch
        return UserOutcome(user_id, None, f"{type(error).__name__}: {error}", time.perf_counter() - started)
    return UserOutcome(user_id, result, None, time.perf_counter() - started)


def run_many(
    user_ids: Sequence[str],
    campaign: Campaign,
    context: Context,
    *,
    concurrency: int,
    on_done: Callable[[UserOutcome], None] | None = None,
    callbacks: list[BaseCallbackHandler] | None = None,
) -> list[UserOutcome]:
    """Run users concurrently so the LLM server batches their requests; results keep the input order."""
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")
    outcomes: dict[str, UserOutcome] = {}
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="promo-user") as pool:
        futures = {pool.submit(_timed, uid, campaign, context, callbacks): uid for uid in user_ids}
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[outcome.user_id] = outcome
            if on_done is not None:
                on_done(outcome)
    return [outcomes[uid] for uid in user_ids]
