"""The chat preview node: the promotion graph run for each sampled user, concurrently, nothing sent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.callbacks import BaseCallbackHandler, BaseCallbackManager
from langgraph.config import get_config
from langgraph.runtime import Runtime

from agents.chat_state import ChatState
from agents.context import ChatContext, Context
from agents.draft_stream import DraftStreamer
from agents.text.chat_events import draft_publisher, emit, emit_user_done
from domain.channels import Locale
from domain.decision import UserOutcome
from domain.offer import Campaign
from tools.pseudonym import user_ref

STARTING = {"zh": "正在为 {n} 位用户撰写并审核文案…", "en": "Writing and reviewing copy for {n} users…"}


class RunMany(Protocol):
    """Runs the promotion graph for many users at once (graphs.batch.run_many): the graph is assembled above."""

    def __call__(
        self,
        user_ids: Sequence[str],
        campaign: Campaign,
        context: Context,
        *,
        concurrency: int,
        on_done: Callable[[UserOutcome], None] | None = None,
        callbacks: list[BaseCallbackHandler] | None = None,
        locale: Locale | None = None,
    ) -> list[UserOutcome]:
        """Run each user; report each outcome to `on_done` as it ends; outcomes in input order.

        `locale` writes every user's copy in that language; None uses each user's own.
        """
        ...


@dataclass(frozen=True)
class PreviewCopy:
    """The preview node over `run_many`; graphs/chat.py passes the promotion graph's runner."""

    run_many: RunMany

    def __call__(self, state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
        """Run the promotion graph per sampled user (record_sends=False); report each user as they finish.

        The copy is in the brief's language whatever each user's own, and each user gets the number of
        variants the brief asked for (exact_variants): the marketer reviews what they asked to see.
        """
        return _preview(self.run_many, state, runtime)


def _preview(run_many: RunMany, state: ChatState, runtime: Runtime[ChatContext]) -> dict[str, Any]:
    ctx, brief, campaign = runtime.context, state.brief, state.campaign
    if brief is None or campaign is None:
        raise ValueError("the preview runs only after the intake produced a brief")
    refs = {user_id: user_ref(user_id) for user_id in state.audience_ids}

    def private(outcome: UserOutcome) -> str | None:
        # Errors may quote the shop id (e.g. KeyError "no user 'u001'"): show the pseudonym instead.
        return outcome.error.replace(outcome.user_id, refs[outcome.user_id]) if outcome.error else None

    def done(outcome: UserOutcome) -> None:
        emit_user_done(outcome.result, refs[outcome.user_id], private(outcome), brief)

    emit("status", STARTING[brief.locale].format(n=len(refs)), {"users": len(refs)})
    outcomes = run_many(
        state.audience_ids,
        campaign,
        ctx.promotion_context(brief.n_variants),
        concurrency=max(1, min(ctx.concurrency, len(refs))),
        on_done=done,
        # The turn's guard among them (the runs stop with the turn), and the drafts shown as they are written.
        callbacks=[*_turn_callbacks(), DraftStreamer(draft_publisher())],
        locale=brief.locale,
    )
    return {
        "results": [o.result for o in outcomes if o.result is not None],
        "failures": [f"{refs[o.user_id]}: {private(o)}" for o in outcomes if o.result is None],
    }


def _turn_callbacks() -> list[BaseCallbackHandler]:
    """The chat turn's callback handlers (graphs/chat.py passes its run guard), for the promotion runs.

    They run in threads of their own, which do not inherit the turn's callbacks.
    """
    callbacks = get_config().get("callbacks")
    if isinstance(callbacks, BaseCallbackManager):
        return list(callbacks.handlers)
    return list(callbacks or [])
