"""Run the promotion graph over many users concurrently, with progress, keeping per-user failures."""

from __future__ import annotations

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
        futures = {pool.submit(run_one, uid, campaign, context, callbacks=callbacks): uid for uid in user_ids}
        for future in as_completed(futures):
            uid = futures[future]
            try:
                outcome = UserOutcome(uid, future.result())
            except (KeyError, ValueError, RuntimeError) as error:  # one bad user must not sink the batch
                outcome = UserOutcome(uid, None, f"{type(error).__name__}: {error}")
            outcomes[uid] = outcome
            if on_done is not None:
                on_done(outcome)
    return [outcomes[uid] for uid in user_ids]
