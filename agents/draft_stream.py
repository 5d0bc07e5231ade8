"""The copy a user's draft holds while the model writes it, for the chat page to show before the card.

A callback handler on the preview's promotion runs. Being a streaming handler (it has LangChain's
`tap_output_iter` / `tap_output_aiter`, the protocol LangGraph's own message streaming uses), it makes
every chat model call under it stream; for the copywriter's calls it parses the JSON written so far and
publishes each variant's hook and line as they grow. What it publishes is the model's raw words, before
repair and review: the page labels it so, and the checked card replaces it.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.utils.json import parse_partial_json

T = TypeVar("T")

WRITER_NODE = "write"
"""The promotion graph's copywriter node (graphs/promotion.py): the only calls whose output is copy."""

USER_REF_KEY = "promo_user_ref"
"""The run metadata that names the (pseudonymous) user a promotion run is for (graphs/batch.py)."""

TOKENS_PER_UPDATE = 6
"""Publish after this many new tokens: about one update a second per user at the embedded model's pace,
few enough for the page, often enough to watch a sentence form."""

DraftText = list[dict[str, str]]
"""The variants written so far: each a {"hook", "line"} as far as the model got."""

Publish = Callable[[str, DraftText], None]
"""Called with (user_ref, variants so far); from the model call's thread."""


def partial_variants(text: str) -> DraftText:
    """Each variant's hook and line (or title and body) in the JSON `text` written so far (open strings count)."""
    try:
        parsed = parse_partial_json(text)
    except ValueError:
        return []
    variants = parsed.get("variants") if isinstance(parsed, dict) else None
    if not isinstance(variants, list):
        return []
    out = []
    for variant in variants:
        if isinstance(variant, dict):  # slots (hook, line), or free copy (title, body: copy_mode "free")
            hook, line = variant.get("hook", variant.get("title", "")), variant.get("line", variant.get("body", ""))
            out.append({"hook": hook if isinstance(hook, str) else "", "line": line if isinstance(line, str) else ""})
    return [v for v in out if v["hook"] or v["line"]]


@dataclass
class _Call:
    user_ref: str
    text: str = ""
    unpublished: int = 0
    shown: DraftText | None = None  # what was published last: a token inside JSON syntax changes nothing


class DraftStreamer(BaseCallbackHandler):
    """Publishes the copywriter's partial JSON as variants, per user, every TOKENS_PER_UPDATE tokens and at the end."""

    def __init__(self, publish: Publish) -> None:
        self.publish = publish
        self._calls: dict[UUID, _Call] = {}
        self._lock = threading.Lock()  # the preview's users write in threads of their own

    # The streaming handler protocol: its presence makes the chat model call its streaming API.
    def tap_output_iter(self, run_id: UUID, output: Iterator[T]) -> Iterator[T]:
        """Pass the output through unchanged."""
        return output

    def tap_output_aiter(self, run_id: UUID, output: AsyncIterator[T]) -> AsyncIterator[T]:
        """Pass the output through unchanged."""
        return output

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[Any]],
        *,
        run_id: UUID,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Follow the call when it is the copywriter's in a run that names its user."""
        meta = metadata or {}
        if meta.get("langgraph_node") == WRITER_NODE and isinstance(meta.get(USER_REF_KEY), str):
            with self._lock:
                self._calls[run_id] = _Call(meta[USER_REF_KEY])

    def on_llm_new_token(self, token: str | list[str | dict[str, Any]], *, run_id: UUID, **kwargs: Any) -> None:
        """Add the token; publish when enough came since the last update."""
        with self._lock:
            call = self._calls.get(run_id)
            if call is None or not isinstance(token, str) or not token:  # content blocks are not this JSON
                return
            call.text, call.unpublished = call.text + token, call.unpublished + 1
            if call.unpublished < TOKENS_PER_UPDATE:
                return
            call.unpublished = 0
        self._publish(call)

    def on_llm_end(self, response: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """Publish what the call wrote in the end and stop following it."""
        with self._lock:
            call = self._calls.pop(run_id, None)
        if call is not None:
            self._publish(call)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Stop following a failed call: the rewrite or the fallback follows."""
        with self._lock:
            self._calls.pop(run_id, None)

    def _publish(self, call: _Call) -> None:
        with self._lock:
            variants = partial_variants(call.text)
            if not variants or variants == call.shown:
                return
            call.shown = variants
        self.publish(call.user_ref, variants)
