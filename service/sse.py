"""ChatEvents as OpenAI `chat.completion.chunk` server-sent events.

Each event's text is a content delta; the event itself rides along in the non-standard `promo_event`
field, which OpenAI clients ignore and the chat page renders (variants as cards).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from domain.chat import ChatEvent, ChatTurnError

logger = logging.getLogger("promo.service.chat")

DONE = "data: [DONE]\n\n"


def _line(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False, separators=(',', ':'))}\n\n"


def chunk(
    completion_id: str,
    created: int,
    model: str,
    delta: dict[str, str],
    finish_reason: str | None = None,
    event: ChatEvent | None = None,
) -> str:
    """One `data: {...}` line in OpenAI's chunk format, with the event when there is one."""
    payload: dict[str, Any] = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    if event is not None:
        payload["promo_event"] = event.model_dump(mode="json")
    return _line(payload)


def as_lines(text: str) -> str:
    """Event text as it joins the answer: ending in a newline, so consecutive events never run together."""
    return text if text.endswith("\n") else f"{text}\n"


def error_line(message: str, error_type: str = "server_error") -> str:
    """A mid-stream failure as OpenAI sends it (`{"error": {...}}`); the `openai` client raises on it."""
    return _line({"error": {"message": message, "type": error_type, "code": None}})


async def completion_chunks(
    events: AsyncIterator[ChatEvent], completion_id: str, created: int, model: str
) -> AsyncIterator[str]:
    """The whole stream: a role chunk, one chunk per event, a `stop` chunk, then `[DONE]`.

    A failure of the assistant ends the stream with an error line and no `stop`, so no client mistakes
    a broken answer for a finished one: a ChatTurnError (the LLM went away) with its type and the message
    written for the marketer, anything else as `server_error`. Closing this stream (the client left)
    closes the assistant's, which stops its work.
    """
    yield chunk(completion_id, created, model, {"role": "assistant", "content": ""})
    try:
        async for event in events:
            delta = {"content": as_lines(event.text)} if event.text else {}  # a draft is for the page only
            yield chunk(completion_id, created, model, delta, event=event)
    except ChatTurnError as error:
        logger.warning("chat turn %s ended: %s (%r)", completion_id, error.type, error.__cause__)
        yield error_line(error.message, error.type)
        return
    except Exception as error:  # the status line is sent already: the failure can only travel in-band
        logger.exception("chat assistant failed mid-stream (%s)", completion_id)
        yield error_line(f"the assistant failed: {type(error).__name__}")
        return
    finally:
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            await aclose()
    yield chunk(completion_id, created, model, {}, finish_reason="stop")
    yield DONE
