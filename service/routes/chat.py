"""POST /v1/chat/completions: the marketer's assistant, OpenAI-compatible, streamed or whole."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from fastapi import APIRouter, HTTPException, status
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from domain.chat import ChatEvent, ChatTurnError
from service.admission import Slot
from service.deps import Marketer, StateDep
from service.openapi import BUSY
from service.schemas.chat import AssistantMessage, ChatCompletion, ChatCompletionRequest, Choice
from service.sse import as_lines, completion_chunks

router = APIRouter(prefix="/v1/chat", tags=["chat"])


class SlotStream(StreamingResponse):
    """A streamed answer that holds its admission slot until the last byte, or the client leaves."""

    def __init__(self, chunks: AsyncIterator[str], slot: Slot) -> None:
        super().__init__(
            chunks, media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        self._slot, self._chunks = slot, chunks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Stream, then release the slot and close the assistant's generator however the stream ended."""
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._slot.release()
            aclose = getattr(self._chunks, "aclose", None)
            if aclose is not None:
                await aclose()


@router.post(
    "/completions",
    response_model=ChatCompletion,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "With stream=true: OpenAI chunks, then [DONE]."},
        **BUSY,
    },
)
async def chat_completions(body: ChatCompletionRequest, state: StateDep, _who: Marketer) -> ChatCompletion | SlotStream:
    """Talk to the campaign assistant: a brief in, status lines, variants and a summary out."""
    await state.require_llm()
    messages = [m.to_chat() for m in body.messages]
    completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(state.runtime.clock().timestamp())
    slot, streaming = await state.jobs.acquire(), False
    try:
        events = state.runtime.assistant(messages)
        if body.stream:
            response = SlotStream(completion_chunks(events, completion_id, created, body.model), slot)
            streaming = True  # the stream owns the slot now and releases it when it ends
            return response
        try:
            # Drafts show a stream's progress; a whole answer has the checked cards instead.
            collected: list[ChatEvent] = [event async for event in events if event.kind != "draft"]
        except ChatTurnError as error:  # the LLM went away mid-turn: the stream's error event, as a 503
            retry_s = state.runtime.settings.service_retry_after_s
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE, error.message, {"Retry-After": str(retry_s)}
            ) from error
    finally:
        if not streaming:
            slot.release()
    return ChatCompletion(
        id=completion_id,
        created=created,
        model=body.model,
        choices=[Choice(message=AssistantMessage(content="".join(as_lines(e.text) for e in collected)))],
        promo_events=collected,
    )
