"""Run the promotion graph over many users concurrently, with progress, keeping per-user failures."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from agents.context import Context
from agents.draft_stream import USER_REF_KEY
from agents.state import PromotionInput, PromotionOutput
from domain.approval import ApprovalAnswer, ApprovalRequest
from domain.channels import Channel, Locale
from domain.decision import PromotionResult, UserOutcome
from domain.offer import Campaign
from graphs.promotion import PromotionGraph, graph
from tools.pseudonym import user_ref


class AwaitingApproval(RuntimeError):
    """The run paused for a human reviewer; resume it with `resume_one(thread_id, answer, ...)`."""

    def __init__(self, thread_id: str, request: ApprovalRequest) -> None:
        super().__init__(f"awaiting human approval on thread {thread_id!r} ({request.campaign_id})")
        self.thread_id = thread_id
        self.request = request


def _result(output: dict[str, Any], thread_id: str | None) -> PromotionResult:
    interrupts = output.get("__interrupt__") or []
    if interrupts:
        if thread_id is None:
            raise RuntimeError("the graph paused for approval but has no checkpointer/thread to resume from")
        raise AwaitingApproval(thread_id, ApprovalRequest.model_validate(interrupts[0].value))
    result = PromotionOutput.model_validate(output).result
    if result is None:
        raise RuntimeError("graph ended without a result")
    return result


def _config(
    callbacks: list[BaseCallbackHandler] | None, thread_id: str | None, user_id: str | None = None
) -> RunnableConfig:
    config: RunnableConfig = {"callbacks": callbacks or [], "run_name": "promotion"}
    if user_id is not None:  # whose run it is, by pseudonym, for handlers that follow one user (a streamed draft)
        config["metadata"] = {USER_REF_KEY: user_ref(user_id)}
    if thread_id is not None:
        config["configurable"] = {"thread_id": thread_id}
    return config


def run_one(
    user_id: str,
    campaign: Campaign,
    context: Context,
    *,
    channel: Channel | None = None,
    locale: Locale | None = None,
    callbacks: list[BaseCallbackHandler] | None = None,
    compiled: PromotionGraph | None = None,
    thread_id: str | None = None,
) -> PromotionResult:
    """Invoke the graph for one user and return the validated result.

    Pass a graph compiled with a checkpointer and a thread_id to allow human-approval pauses
    (raised as AwaitingApproval); the default graph has no checkpointer.
    """
    request = PromotionInput(user_id=user_id, campaign=campaign, channel=channel, locale=locale)
    runner = compiled or graph
    return _result(runner.invoke(request, config=_config(callbacks, thread_id, user_id), context=context), thread_id)


def resume_one(
    thread_id: str,
    answer: ApprovalAnswer,
    context: Context,
    compiled: PromotionGraph,
    *,
    callbacks: list[BaseCallbackHandler] | None = None,
) -> PromotionResult:
    """Resume a paused run with the reviewer's answer."""
    output = compiled.invoke(
        Command(resume=answer.model_dump(mode="json")), config=_config(callbacks, thread_id), context=context
    )
    return _result(output, thread_id)


def _timed(
    user_id: str,
    campaign: Campaign,
    context: Context,
    callbacks: list[BaseCallbackHandler] | None,
    locale: Locale | None = None,
) -> UserOutcome:
    started = time.perf_counter()
    try:
        result = run_one(user_id, campaign, context, callbacks=callbacks, locale=locale)
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
    locale: Locale | None = None,
) -> list[UserOutcome]:
    """Run users concurrently so the LLM server batches their requests; results keep the input order.

    `locale` writes every user's copy in that language (a chat preview: the brief's); None uses each user's.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")
    outcomes: dict[str, UserOutcome] = {}
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="promo-user") as pool:
        futures = {pool.submit(_timed, uid, campaign, context, callbacks, locale): uid for uid in user_ids}
        try:
            for future in as_completed(futures):
                outcome = future.result()
                outcomes[outcome.user_id] = outcome
                if on_done is not None:
                    on_done(outcome)
        except BaseException:  # a run that stops the batch (cancelled, LLM gone): the users not started never do
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [outcomes[uid] for uid in user_ids]
